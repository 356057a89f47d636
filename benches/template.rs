//! The template benchmark: `cargo bench --bench template`.
//!
//! Generates one CloudFormation template of 2,000 resources (a VPC with
//! public and private subnets, NAT, VPC endpoints, an ALB, and per
//! application a task definition, service, target group, listener rule,
//! security groups, log group, roles and a schedule), then measures
//! `ecs-triage lint` on it with the release binary (target: < 300 ms).
//!
//! With `CFN_LINT=/path/to/cfn-lint` and `PEER_TEMPLATES=DIR`, it also lints
//! every `*.yaml`/`*.yml`/`*.json` template of DIR (plus the generated one)
//! with both tools in the same run and prints the speed-up (target: 50×).
//!
//! `cargo bench --bench template -- --generate FILE [RESOURCES]` only writes
//! the template.

#[path = "common.rs"]
mod common;

use common::{median, report};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn common(t: &mut String) {
    t.push_str(
        r#"AWSTemplateFormatVersion: '2010-09-09'
Description: Generated benchmark stack
Parameters:
  Env:
    Type: String
    Default: prod
  ImageTag:
    Type: String
    Default: '1.0.0'
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: true
      EnableDnsHostnames: true
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicDefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: IgwAttachment
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
  PrivateRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  NatEip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet0
      AllocationId: !GetAtt NatEip.AllocationId
  PrivateDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
  AlbSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ALB
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [!Ref PublicSubnet0, !Ref PublicSubnet1, !Ref PublicSubnet2]
      SecurityGroups: [!Ref AlbSecurityGroup]
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 443
      Protocol: HTTPS
      DefaultActions:
        - Type: fixed-response
          FixedResponseConfig: {StatusCode: '404'}
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
  EventsRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: run-tasks
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ecs:RunTask
                Resource: '*'
              - Effect: Allow
                Action: iam:PassRole
                Resource: '*'
  Cluster:
    Type: AWS::ECS::Cluster
"#,
    );
    for i in 0..3 {
        let _ = write!(
            t,
            r#"  PublicSubnet{i}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.{i}.0/24
      AvailabilityZone: !Select [{i}, !GetAZs '']
  PublicSubnet{i}Routes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet{i}
      RouteTableId: !Ref PublicRouteTable
  PrivateSubnet{i}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1{i}.0/24
      AvailabilityZone: !Select [{i}, !GetAZs '']
  PrivateSubnet{i}Routes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PrivateSubnet{i}
      RouteTableId: !Ref PrivateRouteTable
"#
        );
    }
}

fn app(t: &mut String, i: usize) {
    let broken = i % 7 == 3;
    let (cpu, mem) = if broken { (256, 4096) } else { (512, 1024) };
    let prefix = if i % 11 == 5 { "" } else { "\n              awslogs-stream-prefix: app" };
    let _ = write!(
        t,
        r#"  App{i}LogGroup:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub /ecs/${{Env}}/app{i}
      RetentionInDays: 14
  App{i}TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: ecs-tasks.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel]
                Resource: '*'
  App{i}SecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app {i}
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          SourceSecurityGroupId: !Ref AlbSecurityGroup
  App{i}TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub ${{Env}}-app{i}
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: {cpu}
      Memory: {mem}
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      TaskRoleArn: !GetAtt App{i}TaskRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: !Sub ${{AWS::AccountId}}.dkr.ecr.${{AWS::Region}}.amazonaws.com/app{i}:${{ImageTag}}
          Essential: true
          PortMappings:
            - ContainerPort: 8080
          Environment:
            - {{Name: ENV, Value: !Ref Env}}
            - {{Name: APP, Value: app{i}}}
          HealthCheck:
            Command: [CMD-SHELL, 'curl -f http://localhost:8080/health || exit 1']
          LinuxParameters:
            InitProcessEnabled: true
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: !Ref App{i}LogGroup
              awslogs-region: !Ref AWS::Region{prefix}
  App{i}TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      VpcId: !Ref Vpc
      Port: 8080
      Protocol: HTTP
      TargetType: ip
      HealthCheckPath: /health
  App{i}ListenerRule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Listener
      Priority: {prio}
      Conditions:
        - Field: path-pattern
          Values: [/app{i}/*]
      Actions:
        - Type: forward
          TargetGroupArn: !Ref App{i}TargetGroup
  App{i}Service:
    Type: AWS::ECS::Service
    DependsOn: App{i}ListenerRule
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref App{i}TaskDefinition
      LaunchType: FARGATE
      DesiredCount: !If [IsProd, 2, 1]
      EnableExecuteCommand: true
      DeploymentConfiguration:
        MinimumHealthyPercent: 100
        MaximumPercent: 200
        DeploymentCircuitBreaker: {{Enable: true, Rollback: true}}
      HealthCheckGracePeriodSeconds: 30
      LoadBalancers:
        - ContainerName: app
          ContainerPort: 8080
          TargetGroupArn: !Ref App{i}TargetGroup
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref PrivateSubnet0, !Ref PrivateSubnet1, !Ref PrivateSubnet2]
          SecurityGroups: [!Ref App{i}SecurityGroup]
          AssignPublicIp: DISABLED
  App{i}Schedule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: {sched}
      Targets:
        - Id: app{i}-nightly
          Arn: !GetAtt Cluster.Arn
          RoleArn: !GetAtt EventsRole.Arn
          EcsParameters:
            TaskDefinitionArn: !Ref App{i}TaskDefinition
            LaunchType: FARGATE
            NetworkConfiguration:
              AwsVpcConfiguration:
                Subnets: [!Ref PrivateSubnet0]
                SecurityGroups: [!Ref App{i}SecurityGroup]
"#,
        prio = i + 1,
        sched = if i % 13 == 7 { "cron(*/15 * * * * *)" } else { "cron(0 3 * * ? *)" },
    );
}

pub fn generate(resources: usize) -> String {
    let mut t = String::new();
    common(&mut t);
    let mut i = 0;
    while t.matches("\n    Type: AWS::").count() < resources {
        app(&mut t, i);
        i += 1;
    }
    t
}

fn time(cmd: &mut Command, runs: usize) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                let o = cmd.output().expect("run");
                let d = t.elapsed();
                assert!(o.status.code().is_some(), "killed");
                d
            })
            .collect(),
    )
}

fn templates_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|r| r.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json" || x == "template"));
    v.sort();
    v
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--generate") {
        let path = args.get(1).expect("--generate FILE [RESOURCES]");
        let n = args.get(2).map_or(2000, |s| s.parse().unwrap());
        std::fs::write(path, generate(n)).unwrap();
        return;
    }
    let bin = env!("CARGO_BIN_EXE_ecs-triage");
    let dir = std::env::temp_dir().join(format!("ecs-triage-template-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("stack.yaml");
    let text = generate(2000);
    std::fs::write(&file, &text).unwrap();
    let resources = text.matches("\n    Type: AWS::").count();
    println!(
        "generated template: {resources} resources, {:.1} MB, {} lines",
        text.len() as f64 / 1e6,
        text.lines().count()
    );
    let f = file.to_str().unwrap();
    let out = Command::new(bin).args(["lint", "--no-config", "-f", "json", f]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    println!("findings: {} (exit {:?})", v["findings"].as_array().map_or(0, Vec::len), out.status.code());
    let ours = time(Command::new(bin).args(["lint", "--no-config", "-f", "json", "-o", "/dev/null", f]), 9);
    println!("| `ecs-triage lint` the 2,000-resource template (median of 9) | {:.0} ms |", ours.as_secs_f64() * 1e3);
    let mut checks = vec![("2,000-resource template under 300 ms", ours < Duration::from_millis(300))];

    if let (Ok(cfn_lint), Ok(peer)) = (std::env::var("CFN_LINT"), std::env::var("PEER_TEMPLATES")) {
        let mut set = templates_in(Path::new(&peer));
        set.push(file.clone());
        let names: Vec<&str> = set.iter().map(|p| p.to_str().unwrap()).collect();
        println!("\nside by side on {} templates ({peer} plus the generated one):", names.len());
        let ours =
            time(Command::new(bin).args(["lint", "--no-config", "-f", "json", "-o", "/dev/null"]).args(&names), 5);
        let theirs = time(Command::new(&cfn_lint).args(["-f", "json"]).args(&names), 3);
        let ratio = theirs.as_secs_f64() / ours.as_secs_f64();
        println!("| ecs-triage, all templates in one run (median of 5) | {:.0} ms |", ours.as_secs_f64() * 1e3);
        println!("| cfn-lint, all templates in one run (median of 3) | {:.0} ms |", theirs.as_secs_f64() * 1e3);
        println!("speed-up: {ratio:.0}×");
        checks.push(("ecs-triage at least 50× faster than cfn-lint", ratio >= 50.0));
    } else {
        println!("\n(set CFN_LINT and PEER_TEMPLATES to measure cfn-lint on the same templates)");
    }
    let _ = std::fs::remove_dir_all(&dir);
    report(&checks);
}
