//! `audit` explains the tasks a snapshot holds as stopped: one finding per
//! reason and service, with what the audit's rules confirmed, ruled out or
//! could not check; tasks that stopped normally are counted, not reported.

use std::process::Command;

#[test]
fn stopped_tasks_are_explained_with_the_audits_evidence() {
    let out = Command::new(env!("CARGO_BIN_EXE_ecs-triage"))
        .args(["audit", "--snapshot", "tests/data/audit/stopped.json", "--no-config", "--format", "table"])
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 of 8 stopped tasks stopped normally"), "{stderr}");
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}

#[test]
fn stopped_task_findings_follow_select_and_ignore() {
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ecs-triage"))
            .args(["audit", "--snapshot", "tests/data/audit/stopped.json", "--no-config", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut ids: Vec<String> =
            v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(run(&["--select", "SR"]), ["SR000", "SR017", "SR054", "SR092"]);
    assert!(run(&["--ignore", "SR"]).iter().all(|id| id.starts_with("ECS")));
    assert_eq!(run(&["--select", "SR092"]), ["SR092"]);
}

/// Service names repeat across clusters: a finding about `staging`'s
/// `web` says nothing about a task `prod`'s `web` stopped.
#[test]
fn a_service_finding_speaks_only_for_its_own_cluster() {
    let td = |family: &str| {
        serde_json::json!({
            "taskDefinitionArn": format!("arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:1"),
            "family": family, "revision": 1, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
            "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": true}]
        })
    };
    let service = |cluster: &str, public_ip: &str, family: &str| {
        serde_json::json!({
            "serviceArn": format!("arn:aws:ecs:us-east-1:123456789012:service/{cluster}/web"),
            "serviceName": "web", "clusterArn": format!("arn:aws:ecs:us-east-1:123456789012:cluster/{cluster}"),
            "taskDefinition": format!("arn:aws:ecs:us-east-1:123456789012:task-definition/{family}:1"),
            "launchType": "FARGATE", "desiredCount": 1,
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"], "securityGroups": ["sg-0a1b2c3d"], "assignPublicIp": public_ip}}
        })
    };
    let snapshot = serde_json::json!({
        "ecsTriageSnapshot": 1, "account": "123456789012", "region": "us-east-1",
        "ecs": {
            "clusters": [],
            "services": [service("prod", "ENABLED", "web-prod"), service("staging", "DISABLED", "web-staging")],
            "taskDefinitions": [td("web-prod"), td("web-staging")],
            "tasks": [{
                "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/prod/0f3c", "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
                "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web-prod:1", "group": "service:web",
                "lastStatus": "STOPPED", "stopCode": "TaskFailedToStart",
                "stoppedReason": "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref public.ecr.aws/nginx/nginx:1.27: failed to do request: Head \"https://public.ecr.aws/v2/nginx/nginx/manifests/1.27\": dial tcp 99.83.145.10:443: i/o timeout",
                "containers": [{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27", "lastStatus": "STOPPED"}]
            }]
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-clusters.json");
    std::fs::write(&path, serde_json::to_string_pretty(&snapshot).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ecs-triage"))
        .args(["audit", "--snapshot", path.to_str().unwrap(), "--no-config", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    // staging's web has no public IP: ECS208 is about it.
    assert!(findings.iter().any(|f| f["rule"] == "ECS208"), "{findings:#?}");
    let stopped: Vec<&serde_json::Value> = findings.iter().filter(|f| f["rule"] == "SR017").collect();
    assert_eq!(stopped.len(), 1, "{findings:#?}");
    let evidence = stopped[0]["evidence"].to_string();
    assert!(!evidence.contains("ECS208 confirms"), "{evidence}");
    assert!(stopped[0]["message"].as_str().unwrap().contains("cluster `prod`"));
}
