//! The AWS SDK behind [`super::Api`]: the only code that talks to AWS.
//!
//! ECS and CloudWatch Logs answer in JSON; the raw response body of each
//! call is kept (by a per-call interceptor) and handed on as it came, so a
//! snapshot holds exactly what the API said, in the API's own shape, and
//! the readers of `describe-*` files read it unchanged.

use super::{Api, ApiError, Call};
use aws_sdk_ecs::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_ecs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ecs::error::{BoxError, ProvideErrorMetadata, SdkError};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// How to reach the account.
#[derive(Debug, Clone, Default)]
pub struct Connect {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// Seconds before a call (with its retries) gives up.
    pub timeout_secs: u64,
}

/// The SDK clients, built once from aws-config's default chain.
pub struct Aws {
    ecs: aws_sdk_ecs::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    sts: aws_sdk_sts::Client,
    iam: aws_sdk_iam::Client,
    ec2: aws_sdk_ec2::Client,
    secretsmanager: aws_sdk_secretsmanager::Client,
    ssm: aws_sdk_ssm::Client,
    ecr: aws_sdk_ecr::Client,
    events: aws_sdk_eventbridge::Client,
    elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub region: Option<String>,
}

impl Aws {
    pub async fn connect(c: &Connect) -> Aws {
        // Standard retry (exponential backoff with jitter), not adaptive:
        // the adaptive mode's client-side rate limiter, after a few
        // throttles early in a run, holds the next calls for seconds each,
        // and a concurrent audit then ran into its operation timeouts
        // (seen through the fault proxy at 10-30 % throttling).
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(5))
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .operation_timeout(std::time::Duration::from_secs(c.timeout_secs.max(1)))
                    .connect_timeout(std::time::Duration::from_secs(c.timeout_secs.clamp(1, 10)))
                    .build(),
            );
        if let Some(p) = &c.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &c.region {
            loader = loader.region(aws_config::Region::new(r.clone()));
        }
        if let Some(u) = &c.endpoint_url {
            loader = loader.endpoint_url(u);
        }
        let conf = loader.load().await;
        let region = conf.region().map(|r| r.to_string());
        Aws {
            ecs: aws_sdk_ecs::Client::new(&conf),
            logs: aws_sdk_cloudwatchlogs::Client::new(&conf),
            sts: aws_sdk_sts::Client::new(&conf),
            iam: aws_sdk_iam::Client::new(&conf),
            ec2: aws_sdk_ec2::Client::new(&conf),
            secretsmanager: aws_sdk_secretsmanager::Client::new(&conf),
            ssm: aws_sdk_ssm::Client::new(&conf),
            ecr: aws_sdk_ecr::Client::new(&conf),
            events: aws_sdk_eventbridge::Client::new(&conf),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&conf),
            region,
        }
    }
}

/// Keeps the body of the response a call deserialized.
#[derive(Debug, Clone, Default)]
struct Capture(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for Capture {
    fn name(&self) -> &'static str {
        "ecs-triage-capture"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            *self.0.lock().expect("capture") = Some(bytes.to_vec());
        }
        Ok(())
    }
}

impl Capture {
    fn json(&self, operation: &'static str) -> Result<Value, ApiError> {
        let body = self.0.lock().expect("capture").take().unwrap_or_default();
        if body.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(&body).map_err(|e| ApiError {
            operation,
            code: None,
            message: format!("the response is not JSON: {e}"),
        })
    }
}

fn error<E, R>(operation: &'static str, e: SdkError<E, R>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let code = e.code().map(String::from);
    let message = match &e {
        SdkError::ServiceError(s) => s.err().message().map(String::from).unwrap_or_else(|| s.err().to_string()),
        // The error and its causes, without the debug dump
        // `DisplayErrorContext` appends.
        other => {
            let mut text = other.to_string();
            let mut cause = std::error::Error::source(other);
            while let Some(c) = cause {
                let line = c.to_string();
                if !text.contains(&line) {
                    text.push_str(": ");
                    text.push_str(&line);
                }
                cause = c.source();
            }
            hint(text)
        }
    };
    ApiError { operation, code, message }
}

/// What to do about the errors of a first run: no credentials (the chain's
/// last provider, the instance metadata service, is what the SDK names) and
/// no Region.
fn hint(text: String) -> String {
    if text.contains("loading credentials") || text.contains("no credentials found") {
        format!(
            "no AWS credentials were found ({text}); set AWS_PROFILE or --profile, run `aws sso login`, \
             or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    } else if text.contains("Missing Region") {
        format!("no AWS Region ({text}); pass --region, set AWS_REGION, or give the profile a region")
    } else {
        text
    }
}

/// Sends a request with the capture attached, mapping the error.
macro_rules! send {
    ($request:expr, $capture:expr, $op:expr) => {
        $request.customize().interceptor($capture).send().await.map_err(|e| error($op, e))?
    };
}

impl Api for Aws {
    async fn call(&self, call: Call) -> Result<Value, ApiError> {
        let op = call.operation();
        let cap = Capture::default();
        let c = cap.clone();
        match call {
            Call::GetRole { .. }
            | Call::ListRolePolicies { .. }
            | Call::GetRolePolicy { .. }
            | Call::ListAttachedRolePolicies { .. }
            | Call::GetPolicy { .. }
            | Call::GetPolicyVersion { .. } => return self.iam(call).await,
            Call::DescribeSubnets { .. }
            | Call::DescribeVpcs { .. }
            | Call::DescribeVpcAttribute { .. }
            | Call::DescribeRouteTables { .. }
            | Call::DescribeInternetGateways { .. }
            | Call::DescribeNatGateways { .. }
            | Call::DescribeVpcEndpoints { .. }
            | Call::DescribeSecurityGroups { .. }
            | Call::DescribeNetworkAcls { .. } => return self.ec2(call).await,
            Call::DescribeTargetGroups { .. }
            | Call::DescribeLoadBalancers { .. }
            | Call::DescribeListeners { .. }
            | Call::DescribeRules { .. } => return self.elb(call).await,
            Call::GetCallerIdentity => {
                let out = self.sts.get_caller_identity().send().await.map_err(|e| error(op, e))?;
                return Ok(json!({ "Account": out.account(), "Arn": out.arn() }));
            }
            Call::ListClusters { next } => {
                send!(self.ecs.list_clusters().set_next_token(next).max_results(100), c, op);
            }
            Call::DescribeClusters { clusters } => {
                send!(
                    self.ecs
                        .describe_clusters()
                        .set_clusters(Some(clusters))
                        .include(aws_sdk_ecs::types::ClusterField::Configurations)
                        .include(aws_sdk_ecs::types::ClusterField::Settings),
                    c,
                    op
                );
            }
            Call::ListServices { cluster, next } => {
                send!(self.ecs.list_services().cluster(cluster).set_next_token(next).max_results(100), c, op);
            }
            Call::DescribeServices { cluster, services } => {
                send!(self.ecs.describe_services().cluster(cluster).set_services(Some(services)), c, op);
            }
            Call::DescribeTaskDefinition { task_definition } => {
                send!(self.ecs.describe_task_definition().task_definition(task_definition), c, op);
            }
            Call::ListTasks { cluster, desired_status, next } => {
                send!(
                    self.ecs
                        .list_tasks()
                        .cluster(cluster)
                        .desired_status(aws_sdk_ecs::types::DesiredStatus::from(desired_status))
                        .set_next_token(next)
                        .max_results(100),
                    c,
                    op
                );
            }
            Call::DescribeTasks { cluster, tasks } => {
                send!(self.ecs.describe_tasks().cluster(cluster).set_tasks(Some(tasks)), c, op);
            }
            // Existence only: DescribeSecret never returns the value, and
            // GetParameters is asked without decryption.
            Call::DescribeSecret { secret } => {
                send!(self.secretsmanager.describe_secret().secret_id(secret), c, op);
            }
            Call::GetParameters { names } => {
                send!(self.ssm.get_parameters().set_names(Some(names)).with_decryption(false), c, op);
            }
            Call::DescribeImages { repository, tag, digest } => {
                let id =
                    aws_sdk_ecr::types::ImageIdentifier::builder().set_image_tag(tag).set_image_digest(digest).build();
                send!(self.ecr.describe_images().repository_name(repository).image_ids(id), c, op);
            }
            Call::ListEventBuses { next } => {
                send!(self.events.list_event_buses().set_next_token(next), c, op);
            }
            Call::ListRuleNamesByTarget { target, bus, next } => {
                send!(
                    self.events.list_rule_names_by_target().target_arn(target).event_bus_name(bus).set_next_token(next),
                    c,
                    op
                );
            }
            Call::DescribeRule { name, bus } => {
                send!(self.events.describe_rule().name(name).event_bus_name(bus), c, op);
            }
            Call::ListTargetsByRule { rule, bus, next } => {
                send!(self.events.list_targets_by_rule().rule(rule).event_bus_name(bus).set_next_token(next), c, op);
            }
            Call::DescribeLogGroups { prefix, next } => {
                send!(self.logs.describe_log_groups().log_group_name_prefix(prefix).set_next_token(next), c, op);
            }
        }
        cap.json(op)
    }
}

/// The IAM calls: IAM answers in XML, so the SDK's output is turned into the
/// JSON the AWS CLI prints for it.
impl Aws {
    async fn iam(&self, call: Call) -> Result<Value, ApiError> {
        let op = call.operation();
        Ok(match call {
            Call::GetRole { role } => {
                let out = self.iam.get_role().role_name(role).send().await.map_err(|e| error(op, e))?;
                let r = out.role();
                json!({
                    "RoleName": r.map(|r| r.role_name()),
                    "Arn": r.map(|r| r.arn()),
                    "AssumeRolePolicyDocument": r.and_then(|r| r.assume_role_policy_document()).map(policy_json),
                })
            }
            Call::ListRolePolicies { role, marker } => {
                let out = self
                    .iam
                    .list_role_policies()
                    .role_name(role)
                    .set_marker(marker)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                json!({"PolicyNames": out.policy_names(), "Marker": out.is_truncated().then(|| out.marker()).flatten()})
            }
            Call::GetRolePolicy { role, policy } => {
                let out = self
                    .iam
                    .get_role_policy()
                    .role_name(role)
                    .policy_name(policy)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                json!({"PolicyName": out.policy_name(), "PolicyDocument": policy_json(out.policy_document())})
            }
            Call::ListAttachedRolePolicies { role, marker } => {
                let out = self
                    .iam
                    .list_attached_role_policies()
                    .role_name(role)
                    .set_marker(marker)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let attached: Vec<Value> = out
                    .attached_policies()
                    .iter()
                    .map(|p| json!({"PolicyName": p.policy_name(), "PolicyArn": p.policy_arn()}))
                    .collect();
                json!({"AttachedPolicies": attached, "Marker": out.is_truncated().then(|| out.marker()).flatten()})
            }
            Call::GetPolicy { arn } => {
                let out = self.iam.get_policy().policy_arn(arn).send().await.map_err(|e| error(op, e))?;
                json!({"DefaultVersionId": out.policy().and_then(|p| p.default_version_id())})
            }
            Call::GetPolicyVersion { arn, version } => {
                let out = self
                    .iam
                    .get_policy_version()
                    .policy_arn(arn)
                    .version_id(version)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                json!({"Document": out.policy_version().and_then(|v| v.document()).map(policy_json)})
            }
            other => unreachable!("{} is not an IAM call", other.operation()),
        })
    }
}

/// A listener's or rule's actions as `aws elbv2 describe-*` prints them:
/// the forwarding fields the load-balancing rules read.
fn actions(actions: &[aws_sdk_elasticloadbalancingv2::types::Action]) -> Vec<Value> {
    actions
        .iter()
        .map(|a| {
            let groups: Vec<Value> = a
                .forward_config()
                .map(|f| f.target_groups())
                .unwrap_or_default()
                .iter()
                .map(|g| json!({"TargetGroupArn": g.target_group_arn(), "Weight": g.weight()}))
                .collect();
            json!({
                "Type": a.r#type().map(|t| t.as_str()),
                "TargetGroupArn": a.target_group_arn(),
                "ForwardConfig": {"TargetGroups": groups},
            })
        })
        .collect()
}

/// The ELBv2 calls: ELBv2 answers in XML, so the SDK's output is turned
/// into the JSON `aws elbv2 describe-*` prints.
impl Aws {
    async fn elb(&self, call: Call) -> Result<Value, ApiError> {
        let op = call.operation();
        Ok(match call {
            Call::DescribeTargetGroups { arns } => {
                let out = self
                    .elbv2
                    .describe_target_groups()
                    .set_target_group_arns(Some(arns))
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let groups: Vec<Value> = out
                    .target_groups()
                    .iter()
                    .map(|g| {
                        json!({
                            "TargetGroupArn": g.target_group_arn(), "TargetGroupName": g.target_group_name(),
                            "Protocol": g.protocol().map(|p| p.as_str()), "Port": g.port(), "VpcId": g.vpc_id(),
                            "TargetType": g.target_type().map(|t| t.as_str()),
                            "LoadBalancerArns": g.load_balancer_arns(),
                        })
                    })
                    .collect();
                json!({ "TargetGroups": groups })
            }
            Call::DescribeLoadBalancers { arns } => {
                let out = self
                    .elbv2
                    .describe_load_balancers()
                    .set_load_balancer_arns(Some(arns))
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let lbs: Vec<Value> = out
                    .load_balancers()
                    .iter()
                    .map(|b| {
                        json!({
                            "LoadBalancerArn": b.load_balancer_arn(), "LoadBalancerName": b.load_balancer_name(),
                            "Type": b.r#type().map(|t| t.as_str()), "Scheme": b.scheme().map(|s| s.as_str()),
                            "VpcId": b.vpc_id(), "SecurityGroups": b.security_groups(),
                        })
                    })
                    .collect();
                json!({ "LoadBalancers": lbs })
            }
            Call::DescribeListeners { load_balancer, next } => {
                let out = self
                    .elbv2
                    .describe_listeners()
                    .load_balancer_arn(load_balancer)
                    .set_marker(next)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let listeners: Vec<Value> = out
                    .listeners()
                    .iter()
                    .map(|l| {
                        json!({
                            "ListenerArn": l.listener_arn(), "LoadBalancerArn": l.load_balancer_arn(),
                            "Port": l.port(), "Protocol": l.protocol().map(|p| p.as_str()),
                            "DefaultActions": actions(l.default_actions()),
                        })
                    })
                    .collect();
                json!({"Listeners": listeners, "NextMarker": out.next_marker()})
            }
            Call::DescribeRules { listener, next } => {
                let out = self
                    .elbv2
                    .describe_rules()
                    .listener_arn(listener)
                    .set_marker(next)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let rules: Vec<Value> = out
                    .rules()
                    .iter()
                    .map(|r| {
                        json!({
                            "RuleArn": r.rule_arn(), "Priority": r.priority(), "IsDefault": r.is_default(),
                            "Actions": actions(r.actions()),
                        })
                    })
                    .collect();
                json!({"Rules": rules, "NextMarker": out.next_marker()})
            }
            other => unreachable!("{} is not an ELBv2 call", other.operation()),
        })
    }
}

fn filter(name: &str, value: String) -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder().name(name).values(value).build()
}

fn permissions(ps: &[aws_sdk_ec2::types::IpPermission]) -> Vec<Value> {
    ps.iter()
        .map(|p| {
            json!({
                "IpProtocol": p.ip_protocol(),
                "FromPort": p.from_port(),
                "ToPort": p.to_port(),
                "IpRanges": p.ip_ranges().iter().map(|r| json!({"CidrIp": r.cidr_ip()})).collect::<Vec<_>>(),
                "Ipv6Ranges": p.ipv6_ranges().iter().map(|r| json!({"CidrIpv6": r.cidr_ipv6()})).collect::<Vec<_>>(),
                "PrefixListIds": p.prefix_list_ids().iter().map(|r| json!({"PrefixListId": r.prefix_list_id()})).collect::<Vec<_>>(),
                "UserIdGroupPairs": p.user_id_group_pairs().iter().map(|r| json!({"GroupId": r.group_id()})).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// The EC2 calls: EC2 answers in XML, so the SDK's output is turned into
/// the JSON `aws ec2 describe-*` prints, with the fields the network
/// analysis reads.
impl Aws {
    async fn ec2(&self, call: Call) -> Result<Value, ApiError> {
        let op = call.operation();
        Ok(match call {
            Call::DescribeSubnets { ids } => {
                let out =
                    self.ec2.describe_subnets().set_subnet_ids(Some(ids)).send().await.map_err(|e| error(op, e))?;
                let subnets: Vec<Value> = out
                    .subnets()
                    .iter()
                    .map(|s| {
                        json!({
                            "SubnetId": s.subnet_id(), "VpcId": s.vpc_id(), "AvailabilityZone": s.availability_zone(),
                            "CidrBlock": s.cidr_block(), "MapPublicIpOnLaunch": s.map_public_ip_on_launch(),
                            "AvailableIpAddressCount": s.available_ip_address_count(),
                        })
                    })
                    .collect();
                json!({ "Subnets": subnets })
            }
            Call::DescribeVpcs { ids } => {
                let out = self.ec2.describe_vpcs().set_vpc_ids(Some(ids)).send().await.map_err(|e| error(op, e))?;
                let vpcs: Vec<Value> = out
                    .vpcs()
                    .iter()
                    .map(|v| json!({"VpcId": v.vpc_id(), "CidrBlock": v.cidr_block(), "IsDefault": v.is_default()}))
                    .collect();
                json!({ "Vpcs": vpcs })
            }
            Call::DescribeVpcAttribute { vpc, attribute } => {
                let out = self
                    .ec2
                    .describe_vpc_attribute()
                    .vpc_id(vpc)
                    .attribute(aws_sdk_ec2::types::VpcAttributeName::from(attribute))
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                json!({
                    "EnableDnsSupport": out.enable_dns_support().map(|a| json!({"Value": a.value()})),
                    "EnableDnsHostnames": out.enable_dns_hostnames().map(|a| json!({"Value": a.value()})),
                })
            }
            Call::DescribeRouteTables { vpc, next } => {
                let out = self
                    .ec2
                    .describe_route_tables()
                    .filters(filter("vpc-id", vpc))
                    .set_next_token(next)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let tables: Vec<Value> = out
                    .route_tables()
                    .iter()
                    .map(|t| {
                        let routes: Vec<Value> = t
                            .routes()
                            .iter()
                            .map(|r| {
                                json!({
                                    "DestinationCidrBlock": r.destination_cidr_block(),
                                    "DestinationPrefixListId": r.destination_prefix_list_id(),
                                    "GatewayId": r.gateway_id(), "NatGatewayId": r.nat_gateway_id(),
                                    "TransitGatewayId": r.transit_gateway_id(),
                                    "VpcPeeringConnectionId": r.vpc_peering_connection_id(),
                                    "NetworkInterfaceId": r.network_interface_id(), "InstanceId": r.instance_id(),
                                    "State": r.state().map(|s| s.as_str()),
                                })
                            })
                            .collect();
                        let assoc: Vec<Value> = t
                            .associations()
                            .iter()
                            .map(|a| json!({"Main": a.main(), "SubnetId": a.subnet_id()}))
                            .collect();
                        json!({"RouteTableId": t.route_table_id(), "VpcId": t.vpc_id(), "Routes": routes, "Associations": assoc})
                    })
                    .collect();
                json!({"RouteTables": tables, "NextToken": out.next_token()})
            }
            Call::DescribeInternetGateways { vpc, next } => {
                let out = self
                    .ec2
                    .describe_internet_gateways()
                    .filters(filter("attachment.vpc-id", vpc))
                    .set_next_token(next)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let gws: Vec<Value> = out
                    .internet_gateways()
                    .iter()
                    .map(|g| {
                        let att: Vec<Value> = g
                            .attachments()
                            .iter()
                            .map(|a| json!({"VpcId": a.vpc_id(), "State": a.state().map(|s| s.as_str())}))
                            .collect();
                        json!({"InternetGatewayId": g.internet_gateway_id(), "Attachments": att})
                    })
                    .collect();
                json!({"InternetGateways": gws, "NextToken": out.next_token()})
            }
            Call::DescribeNatGateways { vpc, next } => {
                let out = self
                    .ec2
                    .describe_nat_gateways()
                    .filter(filter("vpc-id", vpc))
                    .set_next_token(next)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let gws: Vec<Value> = out
                    .nat_gateways()
                    .iter()
                    .map(|g| {
                        json!({
                            "NatGatewayId": g.nat_gateway_id(), "SubnetId": g.subnet_id(), "VpcId": g.vpc_id(),
                            "State": g.state().map(|s| s.as_str()),
                            "ConnectivityType": g.connectivity_type().map(|s| s.as_str()),
                        })
                    })
                    .collect();
                json!({"NatGateways": gws, "NextToken": out.next_token()})
            }
            Call::DescribeVpcEndpoints { vpc, next } => {
                let out = self
                    .ec2
                    .describe_vpc_endpoints()
                    .filters(filter("vpc-id", vpc))
                    .set_next_token(next)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let eps: Vec<Value> = out
                    .vpc_endpoints()
                    .iter()
                    .map(|e| {
                        json!({
                            "VpcEndpointId": e.vpc_endpoint_id(), "VpcId": e.vpc_id(), "ServiceName": e.service_name(),
                            "VpcEndpointType": e.vpc_endpoint_type().map(|t| t.as_str()),
                            "State": e.state().map(|s| s.as_str()),
                            "SubnetIds": e.subnet_ids(), "RouteTableIds": e.route_table_ids(),
                            "Groups": e.groups().iter().map(|g| json!({"GroupId": g.group_id()})).collect::<Vec<_>>(),
                            "PrivateDnsEnabled": e.private_dns_enabled(),
                            "PolicyDocument": e.policy_document(),
                        })
                    })
                    .collect();
                json!({"VpcEndpoints": eps, "NextToken": out.next_token()})
            }
            Call::DescribeSecurityGroups { ids } => {
                let out = self
                    .ec2
                    .describe_security_groups()
                    .set_group_ids(Some(ids))
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let groups: Vec<Value> = out
                    .security_groups()
                    .iter()
                    .map(|g| {
                        json!({
                            "GroupId": g.group_id(), "VpcId": g.vpc_id(),
                            "IpPermissions": permissions(g.ip_permissions()),
                            "IpPermissionsEgress": permissions(g.ip_permissions_egress()),
                        })
                    })
                    .collect();
                json!({ "SecurityGroups": groups })
            }
            Call::DescribeNetworkAcls { vpc, next } => {
                let out = self
                    .ec2
                    .describe_network_acls()
                    .filters(filter("vpc-id", vpc))
                    .set_next_token(next)
                    .send()
                    .await
                    .map_err(|e| error(op, e))?;
                let acls: Vec<Value> = out
                    .network_acls()
                    .iter()
                    .map(|a| {
                        let entries: Vec<Value> = a
                            .entries()
                            .iter()
                            .map(|e| {
                                json!({
                                    "RuleNumber": e.rule_number(), "Protocol": e.protocol(), "Egress": e.egress(),
                                    "RuleAction": e.rule_action().map(|r| r.as_str()), "CidrBlock": e.cidr_block(),
                                    "PortRange": e.port_range().map(|p| json!({"From": p.from(), "To": p.to()})),
                                })
                            })
                            .collect();
                        let assoc: Vec<Value> =
                            a.associations().iter().map(|x| json!({"SubnetId": x.subnet_id()})).collect();
                        json!({
                            "NetworkAclId": a.network_acl_id(), "VpcId": a.vpc_id(), "IsDefault": a.is_default(),
                            "Entries": entries, "Associations": assoc,
                        })
                    })
                    .collect();
                json!({"NetworkAcls": acls, "NextToken": out.next_token()})
            }
            other => unreachable!("{} is not an EC2 call", other.operation()),
        })
    }
}

/// A policy document as IAM returns it: URL-encoded JSON (RFC 3986, so `+`
/// is a plus; moto sends some documents decoded), as a JSON value; a document that is neither stays a
/// string, which the policy reader treats as unknown.
fn policy_json(doc: &str) -> Value {
    if let Ok(v) = serde_json::from_str(doc) {
        return v;
    }
    let decoded = percent_decode(doc);
    serde_json::from_str(&decoded).unwrap_or(Value::String(decoded))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
