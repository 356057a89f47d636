//! ECS309 subnet-addresses-exhausted: every awsvpc task takes an address
//! from its subnet. A subnet with fewer free addresses than its share of a
//! service's tasks fails the placements there.
//!
//! Free addresses (`AvailableIpAddressCount`) are known only from an
//! account, so the rule runs in live mode. ECS spreads a service's tasks
//! over the Availability Zones of its subnets, so each subnet's share is the
//! desired count divided by the number of subnets, rounded up.

use crate::model::Launcher;
use crate::rules::{Ctx, Sink};

pub fn check(cx: &Ctx<'_>, out: &mut Sink) {
    let net = &cx.inv.context.network;
    if !net.coverage.is_loaded() {
        return;
    }
    for (i, s) in cx.inv.services.iter().enumerate() {
        let Some(&desired) = s.desired_count.get() else { continue };
        let Some(subnets) = s.launch.network.get().and_then(|v| v.subnets.get()) else { continue };
        if desired <= 0 || subnets.is_empty() {
            continue;
        }
        let share = (desired + subnets.len() as i64 - 1) / subnets.len() as i64;
        let l = Launcher::Service(i);
        for field in subnets {
            let Some(id) = field.str() else { continue };
            let Some(&free) = net.subnet(id).and_then(|sub| sub.available_ips.get()) else { continue };
            if free >= share {
                continue;
            }
            let f = out.report(
                field.at,
                cx.launcher_resource(l),
                format!(
                    "Subnet `{id}` of {} has {free} free address{}, fewer than the {share} task{} it must hold",
                    cx.launcher_label(l),
                    if free == 1 { "" } else { "es" },
                    if share == 1 { "" } else { "s" }
                ),
            );
            f.evidence(format!(
                "the service wants {desired} task{} over {} subnet{}; each awsvpc task takes an address",
                if desired == 1 { "" } else { "s" },
                subnets.len(),
                if subnets.len() == 1 { "" } else { "s" }
            ));
            f.evidence("a deployment starts new tasks before it stops old ones, which needs more still");
            f.fix(format!(
                "Add subnets with free addresses (in other Availability Zones) to the service, free addresses in `{id}` by deleting unused network interfaces, or move the service to larger subnets"
            ));
        }
    }
}
