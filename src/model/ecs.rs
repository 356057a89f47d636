//! ECS inputs as the rules see them: task definitions, services and run-task
//! inputs, with only the fields rules read. Shaped like the ECS API.

use super::field::{F, Unknown, Val};
use super::read::{MapEntry, Obj, Reader, Text};
use crate::source::Loc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TdShape {
    /// `register-task-definition --cli-input-json`.
    Register,
    /// `describe-task-definition` output (`{"taskDefinition": {...}}`).
    Describe,
    /// A bare array of container definitions (Terraform's
    /// `container_definitions`): task-level fields are unknown.
    ContainerList,
}

#[derive(Debug, Clone)]
pub struct TaskDef {
    pub at: Loc,
    pub shape: TdShape,
    /// The template's logical id, for task definitions from a template.
    pub logical_id: Option<String>,
    pub family: F<String>,
    pub revision: F<i64>,
    pub arn: F<String>,
    pub network_mode: F<String>,
    pub requires_compatibilities: F<Vec<F<String>>>,
    /// Read-only, computed by ECS; present in describe output.
    pub compatibilities: F<Vec<F<String>>>,
    pub cpu: F<String>,
    pub memory: F<String>,
    pub execution_role: F<String>,
    pub task_role: F<String>,
    pub ipc_mode: F<String>,
    pub pid_mode: F<String>,
    pub placement_constraints: F<Vec<Loc>>,
    pub volumes: F<Vec<Volume>>,
    pub ephemeral_storage: F<i64>,
    pub os_family: F<String>,
    pub containers: F<Vec<Container>>,
}

#[derive(Debug, Clone)]
pub struct Volume {
    pub at: Loc,
    pub name: F<String>,
    pub host_source_path: F<String>,
}

#[derive(Debug, Clone)]
pub struct Container {
    pub at: Loc,
    pub name: F<String>,
    pub image: F<String>,
    pub essential: F<bool>,
    pub memory: F<i64>,
    pub memory_reservation: F<i64>,
    pub cpu: F<i64>,
    pub port_mappings: F<Vec<PortMapping>>,
    pub health_check: F<HealthCheck>,
    pub environment: F<Vec<EnvVar>>,
    pub secrets: F<Vec<Secret>>,
    pub environment_files: F<Vec<Loc>>,
    pub log: F<LogConfig>,
    pub depends_on: F<Vec<Dependency>>,
    pub links: F<Vec<F<String>>>,
    pub volumes_from: F<Vec<F<String>>>,
    pub privileged: F<bool>,
    pub readonly_root_filesystem: F<bool>,
    pub linux: F<LinuxParameters>,
    pub repository_credentials: F<String>,
    pub docker_security_options: F<Vec<F<String>>>,
    /// `resourceRequirements` entries of type GPU.
    pub gpu: Vec<Loc>,
    pub command: F<Vec<String>>,
    pub entry_point: F<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct LinuxParameters {
    pub init_process_enabled: F<bool>,
    pub capabilities_add: F<Vec<F<String>>>,
    pub devices: F<Vec<Loc>>,
    pub max_swap: F<i64>,
    pub shared_memory_size: F<i64>,
}

#[derive(Debug, Clone)]
pub struct PortMapping {
    pub at: Loc,
    pub container_port: F<i64>,
    pub host_port: F<i64>,
    pub protocol: F<String>,
    pub container_port_range: F<String>,
}

#[derive(Debug, Clone)]
pub struct HealthCheck {
    pub command: F<Vec<F<String>>>,
    pub interval: F<i64>,
    pub timeout: F<i64>,
    pub retries: F<i64>,
    pub start_period: F<i64>,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub at: Loc,
    pub name: F<String>,
    pub value: F<String>,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub at: Loc,
    pub name: F<String>,
    pub value_from: F<String>,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub driver: F<String>,
    pub options: F<Vec<MapEntry>>,
    pub secret_options: F<Vec<Secret>>,
}

#[derive(Debug, Clone)]
pub struct Dependency {
    pub at: Loc,
    pub container: F<String>,
    pub condition: F<String>,
}

/// What a service and a run-task input share: how a task is launched.
#[derive(Debug, Clone)]
pub struct Launch {
    pub cluster: F<String>,
    pub task_definition: F<String>,
    pub launch_type: F<String>,
    pub capacity_providers: F<Vec<F<String>>>,
    pub platform_version: F<String>,
    pub network: F<AwsVpc>,
    pub enable_execute_command: F<bool>,
    pub placement_constraints: F<Vec<Loc>>,
}

#[derive(Debug, Clone)]
pub struct AwsVpc {
    pub at: Loc,
    pub subnets: F<Vec<F<String>>>,
    pub security_groups: F<Vec<F<String>>>,
    pub assign_public_ip: F<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceShape {
    /// `create-service` input: omitted fields take ECS defaults.
    Create,
    /// `update-service` input: omitted fields keep their current values.
    Update,
    /// An element of `describe-services` output.
    Describe,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub at: Loc,
    pub shape: ServiceShape,
    /// The template's logical id, for services from a template.
    pub logical_id: Option<String>,
    pub name: F<String>,
    pub launch: Launch,
    pub scheduling_strategy: F<String>,
    pub desired_count: F<i64>,
    pub deployment_controller: F<String>,
    pub deployment: F<DeploymentConfig>,
    pub load_balancers: F<Vec<LoadBalancer>>,
    pub health_check_grace_period: F<i64>,
    /// `vpcLatticeConfigurations` entries.
    pub vpc_lattice: F<Vec<Loc>>,
}

#[derive(Debug, Clone)]
pub struct DeploymentConfig {
    /// `ROLLING` (the default), `BLUE_GREEN`, `LINEAR` or `CANARY`, under
    /// the ECS deployment controller.
    pub strategy: F<String>,
    pub minimum_healthy_percent: F<i64>,
    pub maximum_percent: F<i64>,
    pub circuit_breaker: F<CircuitBreaker>,
}

#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    pub enable: F<bool>,
    pub rollback: F<bool>,
}

#[derive(Debug, Clone)]
pub struct LoadBalancer {
    pub at: Loc,
    pub container_name: F<String>,
    pub container_port: F<i64>,
    pub target_group_arn: F<String>,
    pub load_balancer_name: F<String>,
}

#[derive(Debug, Clone)]
pub struct RunTask {
    pub at: Loc,
    pub launch: Launch,
    pub count: F<i64>,
    pub container_overrides: F<Vec<ContainerOverride>>,
    /// `overrides.taskRoleArn`: replaces the task definition's task role.
    pub task_role_override: F<String>,
}

#[derive(Debug, Clone)]
pub struct ContainerOverride {
    pub at: Loc,
    pub name: F<String>,
    pub command: F<Vec<String>>,
}

// ---------------------------------------------------------------------------
// Reading

pub fn read_task_def(r: &mut Reader, o: Obj<'_, '_>, shape: TdShape) -> TaskDef {
    let containers = r.objects(&o, "containerDefinitions", read_container);
    task_def_fields(r, o, shape, containers)
}

/// A task definition made of a bare container list: everything at task level
/// is unknown, so rules that need it stay quiet.
pub fn container_list(r: &mut Reader, at: Loc, items: Vec<Obj<'_, '_>>) -> TaskDef {
    let containers = F::known(items.into_iter().map(|o| read_container(r, o)).collect(), at);
    TaskDef {
        at,
        shape: TdShape::ContainerList,
        logical_id: None,
        family: F::unknown(Unknown::NotGiven, at),
        revision: F::unknown(Unknown::NotGiven, at),
        arn: F::unknown(Unknown::NotGiven, at),
        network_mode: F::unknown(Unknown::NotGiven, at),
        requires_compatibilities: F::unknown(Unknown::NotGiven, at),
        compatibilities: F::unknown(Unknown::NotGiven, at),
        cpu: F::unknown(Unknown::NotGiven, at),
        memory: F::unknown(Unknown::NotGiven, at),
        execution_role: F::unknown(Unknown::NotGiven, at),
        task_role: F::unknown(Unknown::NotGiven, at),
        ipc_mode: F::unknown(Unknown::NotGiven, at),
        pid_mode: F::unknown(Unknown::NotGiven, at),
        placement_constraints: F::unknown(Unknown::NotGiven, at),
        volumes: F::unknown(Unknown::NotGiven, at),
        ephemeral_storage: F::unknown(Unknown::NotGiven, at),
        os_family: F::unknown(Unknown::NotGiven, at),
        containers,
    }
}

fn task_def_fields(r: &mut Reader, o: Obj<'_, '_>, shape: TdShape, containers: F<Vec<Container>>) -> TaskDef {
    TaskDef {
        at: o.at,
        shape,
        logical_id: None,
        family: r.string(&o, "family"),
        revision: r.int(&o, "revision"),
        arn: r.shaped(&o, "taskDefinitionArn"),
        network_mode: r.string(&o, "networkMode"),
        requires_compatibilities: r.strings(&o, "requiresCompatibilities", Text::Free),
        compatibilities: r.strings(&o, "compatibilities", Text::Free),
        cpu: r.string_or_number(&o, "cpu"),
        memory: r.string_or_number(&o, "memory"),
        execution_role: r.shaped(&o, "executionRoleArn"),
        task_role: r.shaped(&o, "taskRoleArn"),
        ipc_mode: r.string(&o, "ipcMode"),
        pid_mode: r.string(&o, "pidMode"),
        placement_constraints: r.array(&o, "placementConstraints", |r, n| Some(r.loc(n.off))),
        volumes: r.objects(&o, "volumes", |r, v| Volume {
            at: v.at,
            name: r.string(&v, "name"),
            host_source_path: r.object(&v, "host", |r, h| r.raw_string(&h, "sourcePath")).flatten(),
        }),
        ephemeral_storage: r.object(&o, "ephemeralStorage", |r, e| r.int(&e, "sizeInGiB")).flatten(),
        os_family: r.object(&o, "runtimePlatform", |r, p| r.string(&p, "operatingSystemFamily")).flatten(),
        containers,
    }
}

pub fn read_container(r: &mut Reader, o: Obj<'_, '_>) -> Container {
    let mut gpu = Vec::new();
    r.objects(&o, "resourceRequirements", |r, rr| {
        if r.string(&rr, "type").str() == Some("GPU") {
            gpu.push(rr.at);
        }
    });
    Container {
        at: o.at,
        name: r.string(&o, "name"),
        image: {
            // Deploy tools fill an empty `image` in (e.g. the ECS render
            // action), so an empty string is a placeholder, not an error.
            let mut image = r.shaped(&o, "image");
            if image.str() == Some("") {
                image.val = Val::Unknown(Unknown::Placeholder);
                r.placeholders.push((image.at, "image".to_string()));
            }
            image
        },
        essential: r.boolean(&o, "essential"),
        memory: r.int(&o, "memory"),
        memory_reservation: r.int(&o, "memoryReservation"),
        cpu: r.int(&o, "cpu"),
        port_mappings: r.objects(&o, "portMappings", |r, p| PortMapping {
            at: p.at,
            container_port: r.int(&p, "containerPort"),
            host_port: r.int(&p, "hostPort"),
            protocol: r.string(&p, "protocol"),
            container_port_range: r.string(&p, "containerPortRange"),
        }),
        health_check: r.object(&o, "healthCheck", |r, h| HealthCheck {
            command: r.strings(&h, "command", Text::Free),
            interval: r.int(&h, "interval"),
            timeout: r.int(&h, "timeout"),
            retries: r.int(&h, "retries"),
            start_period: r.int(&h, "startPeriod"),
        }),
        environment: r.objects(&o, "environment", |r, e| EnvVar {
            at: e.at,
            name: r.raw_string(&e, "name"),
            value: r.string(&e, "value"),
        }),
        secrets: r.objects(&o, "secrets", read_secret),
        environment_files: r.array(&o, "environmentFiles", |r, n| Some(r.loc(n.off))),
        log: r.object(&o, "logConfiguration", |r, l| LogConfig {
            driver: r.string(&l, "logDriver"),
            options: r.string_map(&l, "options"),
            secret_options: r.objects(&l, "secretOptions", read_secret),
        }),
        depends_on: r.objects(&o, "dependsOn", |r, d| Dependency {
            at: d.at,
            container: r.string(&d, "containerName"),
            condition: r.string(&d, "condition"),
        }),
        links: r.strings(&o, "links", Text::Free),
        volumes_from: r
            .objects(&o, "volumesFrom", |r, v| r.string(&v, "sourceContainer"))
            .map(|v| v.into_iter().filter(|f| !f.is_missing()).collect()),
        privileged: r.boolean(&o, "privileged"),
        readonly_root_filesystem: r.boolean(&o, "readonlyRootFilesystem"),
        linux: r.object(&o, "linuxParameters", |r, l| LinuxParameters {
            init_process_enabled: r.boolean(&l, "initProcessEnabled"),
            capabilities_add: r.object(&l, "capabilities", |r, c| r.strings(&c, "add", Text::Free)).flatten(),
            devices: r.array(&l, "devices", |r, n| Some(r.loc(n.off))),
            max_swap: r.int(&l, "maxSwap"),
            shared_memory_size: r.int(&l, "sharedMemorySize"),
        }),
        repository_credentials: r
            .object(&o, "repositoryCredentials", |r, c| r.shaped(&c, "credentialsParameter"))
            .flatten(),
        docker_security_options: r.strings(&o, "dockerSecurityOptions", Text::Free),
        gpu,
        command: r.raw_strings(&o, "command"),
        entry_point: r.raw_strings(&o, "entryPoint"),
    }
}

fn read_secret(r: &mut Reader, s: Obj<'_, '_>) -> Secret {
    Secret { at: s.at, name: r.raw_string(&s, "name"), value_from: r.shaped(&s, "valueFrom") }
}

fn read_awsvpc(r: &mut Reader, o: &Obj<'_, '_>) -> F<AwsVpc> {
    let net = r.object(o, "networkConfiguration", |r, n| {
        r.object(&n, "awsvpcConfiguration", |r, a| AwsVpc {
            at: a.at,
            subnets: r.strings(&a, "subnets", Text::Shaped),
            security_groups: r.strings(&a, "securityGroups", Text::Shaped),
            assign_public_ip: r.string(&a, "assignPublicIp"),
        })
    });
    net.flatten()
}

fn read_launch(r: &mut Reader, o: &Obj<'_, '_>) -> Launch {
    Launch {
        cluster: r.string(o, "cluster"),
        task_definition: r.shaped(o, "taskDefinition"),
        launch_type: r.string(o, "launchType"),
        capacity_providers: r.objects(o, "capacityProviderStrategy", |r, c| r.string(&c, "capacityProvider")),
        platform_version: r.string(o, "platformVersion"),
        network: read_awsvpc(r, o),
        enable_execute_command: r.boolean(o, "enableExecuteCommand"),
        placement_constraints: r.array(o, "placementConstraints", |r, n| Some(r.loc(n.off))),
    }
}

pub fn read_service(r: &mut Reader, o: Obj<'_, '_>, shape: ServiceShape) -> Service {
    let name_key = if shape == ServiceShape::Update { "service" } else { "serviceName" };
    Service {
        at: o.at,
        shape,
        logical_id: None,
        name: r.string(&o, name_key),
        launch: read_launch(r, &o),
        scheduling_strategy: r.string(&o, "schedulingStrategy"),
        desired_count: r.int(&o, "desiredCount"),
        deployment_controller: r.object(&o, "deploymentController", |r, d| r.string(&d, "type")).flatten(),
        deployment: r.object(&o, "deploymentConfiguration", |r, d| DeploymentConfig {
            strategy: r.string(&d, "strategy"),
            minimum_healthy_percent: r.int(&d, "minimumHealthyPercent"),
            maximum_percent: r.int(&d, "maximumPercent"),
            circuit_breaker: r.object(&d, "deploymentCircuitBreaker", |r, c| CircuitBreaker {
                enable: r.boolean(&c, "enable"),
                rollback: r.boolean(&c, "rollback"),
            }),
        }),
        load_balancers: r.objects(&o, "loadBalancers", |r, l| LoadBalancer {
            at: l.at,
            container_name: r.string(&l, "containerName"),
            container_port: r.int(&l, "containerPort"),
            target_group_arn: r.shaped(&l, "targetGroupArn"),
            load_balancer_name: r.string(&l, "loadBalancerName"),
        }),
        health_check_grace_period: r.int(&o, "healthCheckGracePeriodSeconds"),
        vpc_lattice: r.array(&o, "vpcLatticeConfigurations", |r, n| Some(r.loc(n.off))),
    }
}

pub fn read_run_task(r: &mut Reader, o: Obj<'_, '_>) -> RunTask {
    let overrides = r.object(&o, "overrides", |r, ov| {
        let containers = r.objects(&ov, "containerOverrides", |r, c| ContainerOverride {
            at: c.at,
            name: r.string(&c, "name"),
            command: r.raw_strings(&c, "command"),
        });
        (containers, r.shaped(&ov, "taskRoleArn"))
    });
    RunTask {
        at: o.at,
        launch: read_launch(r, &o),
        count: r.int(&o, "count"),
        container_overrides: overrides.clone().map(|(c, _)| c).flatten(),
        task_role_override: overrides.map(|(_, t)| t).flatten(),
    }
}
