//! The AWS SDK behind [`super::Api`]: the only code that talks to AWS.
//!
//! ECS and CloudWatch Logs answer in JSON; the raw response body of each
//! call is kept (by a per-call interceptor) and handed on as it came, so a
//! snapshot holds exactly what the API said, in the API's own shape, and
//! the readers of `describe-*` files read it unchanged.

use super::{Api, ApiError, Call};
use aws_sdk_ecs::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_ecs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ecs::error::{BoxError, DisplayErrorContext, ProvideErrorMetadata, SdkError};
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
    pub region: Option<String>,
}

impl Aws {
    pub async fn connect(c: &Connect) -> Aws {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .retry_config(aws_config::retry::RetryConfig::adaptive().with_max_attempts(5))
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
        other => DisplayErrorContext(other).to_string(),
    };
    ApiError { operation, code, message }
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
            Call::DescribeLogGroups { prefix, next } => {
                send!(self.logs.describe_log_groups().log_group_name_prefix(prefix).set_next_token(next), c, op);
            }
        }
        cap.json(op)
    }
}
