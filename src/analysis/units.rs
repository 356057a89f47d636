//! Task-level `cpu` and `memory` as ECS reads them: CPU units or vCPUs
//! (`"1024"`, `"1 vCPU"`, `".25 vcpu"`), MiB or GB (`"512"`, `"0.5GB"`,
//! `"2 GB"`).

/// CPU units (1024 per vCPU), or `None` when ECS would not accept the text.
pub fn parse_cpu(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Some(v) = whole(t) {
        return Some(v);
    }
    let lower = t.to_ascii_lowercase();
    let num = lower.strip_suffix("vcpu")?.trim_end();
    scaled(num, 1024)
}

/// MiB, or `None` when ECS would not accept the text.
pub fn parse_memory(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Some(v) = whole(t) {
        return Some(v);
    }
    let lower = t.to_ascii_lowercase();
    let num = lower.strip_suffix("gb")?.trim_end();
    scaled(num, 1024)
}

fn whole(t: &str) -> Option<i64> {
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse().ok()
    } else {
        crate::model::read::parse_int(t).filter(|_| t.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    }
}

fn scaled(num: &str, factor: i64) -> Option<i64> {
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    let x = v * factor as f64;
    (x.fract() == 0.0 && x > 0.0 && x < 1e12).then_some(x as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_forms() {
        assert_eq!(parse_cpu("1024"), Some(1024));
        assert_eq!(parse_cpu("1 vCPU"), Some(1024));
        assert_eq!(parse_cpu(".25 vcpu"), Some(256));
        assert_eq!(parse_cpu("0.5vCPU"), Some(512));
        assert_eq!(parse_cpu("2 VCPU"), Some(2048));
        assert_eq!(parse_cpu("1024.0"), Some(1024));
        assert_eq!(parse_cpu("one"), None);
        assert_eq!(parse_cpu("1 cpu"), None);
        assert_eq!(parse_cpu("-1 vcpu"), None);
    }

    #[test]
    fn memory_forms() {
        assert_eq!(parse_memory("512"), Some(512));
        assert_eq!(parse_memory("0.5GB"), Some(512));
        assert_eq!(parse_memory("2 GB"), Some(2048));
        assert_eq!(parse_memory("1gb"), Some(1024));
        assert_eq!(parse_memory("512 MiB"), None);
        assert_eq!(parse_memory("lots"), None);
    }
}
