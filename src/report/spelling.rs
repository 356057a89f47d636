//! Findings name fields the way the ECS API spells them (`networkMode`).
//! In a CloudFormation template the same fields are PascalCase
//! (`NetworkMode`), so for findings in templates the names inside
//! backticks are respelled, from the CloudFormation property names the
//! tool ships (`rules/data/cfn-properties.toml`).

use std::collections::HashSet;
use std::sync::OnceLock;

fn property_names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        crate::rules::meta::data().cfn_properties.types.values().flat_map(|props| props.keys().cloned()).collect()
    })
}

fn pascal(word: &str) -> String {
    let mut c = word.chars();
    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
}

/// `text` with every camelCase property name inside backticks written the
/// CloudFormation way. Words that are parts of ARNs, option names or paths
/// (`arn:aws:…`, `awslogs-group`, `/ecs/web`) stay as they are.
pub fn for_template(text: &str) -> String {
    let names = property_names();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    // A long span in backticks is quoted text (an AWS error message), not
    // a field: it keeps its words.
    let mut quoting = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let prev = start.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i).copied();
            let after_next = chars.get(i + 1).copied();
            // `x:y` with no space is an ARN or an action, not `field: value`.
            let tight_colon = (next == Some(':') && after_next.is_some_and(|a| !a.is_whitespace()))
                || (prev == Some(':') && start >= 2 && !chars[start - 2].is_whitespace());
            let joined =
                matches!(prev, Some('-' | '/' | '$' | '{' | '<')) || matches!(next, Some('-' | '/' | '}' | '>'));
            let candidate =
                inside && !quoting && !tight_colon && !joined && word.starts_with(|c: char| c.is_ascii_lowercase());
            let p = pascal(&word);
            out.push_str(if candidate && names.contains(&p) { &p } else { &word });
            continue;
        }
        if c == '`' {
            inside = !inside;
            if inside {
                let span: String = chars[i + 1..].iter().take_while(|&&x| x != '`').collect();
                quoting = span.split_whitespace().count() > 4;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::for_template;

    #[test]
    fn respells_property_names_in_backticks_only() {
        assert_eq!(
            for_template("Fargate task definition uses `networkMode: bridge`; set `\"networkMode\": \"awsvpc\"`"),
            "Fargate task definition uses `NetworkMode: bridge`; set `\"NetworkMode\": \"awsvpc\"`"
        );
        assert_eq!(
            for_template("Add `linuxParameters.initProcessEnabled: true` to the networkMode"),
            "Add `LinuxParameters.InitProcessEnabled: true` to the networkMode"
        );
        assert_eq!(for_template("option `awslogs-group` of `web`"), "option `awslogs-group` of `web`");
        assert_eq!(for_template("no `executionRoleArn`"), "no `ExecutionRoleArn`");
        assert_eq!(
            for_template("`logs:CreateLogGroup` on `arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web`"),
            "`logs:CreateLogGroup` on `arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web`"
        );
    }
}
