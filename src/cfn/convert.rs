//! A template's resources onto the model: task definitions and services
//! read the same way as the ECS API's JSON (PascalCase spelling), so every
//! lint rule runs on templates too, with findings at the template's lines.

use super::resolve::{Env, Resolver};
use super::{Resource, Template};
use crate::model::F;
use crate::model::ecs::{self, ServiceShape, TdShape};
use crate::model::field::{Unknown, Val};
use crate::model::load::{Loaded, Suppression};
use crate::model::read::{KeyStyle, Reader};
use crate::source::json::Node;
use crate::source::yaml::Notes;
use crate::source::{FileId, Loc};

/// Reads a template into `out`.
pub fn load_template(file: FileId, root: Node<'_>, notes: &Notes, env: &Env, out: &mut Loaded) {
    let loc = |off: u32| Loc { file, off };
    out.template = true;
    let _ = notes;
    let t = Template::new(root);
    let resolver = Resolver::new(&t, env);
    suppressions(file, &t, out);
    let mut r = Reader::new(file, KeyStyle::Pascal);
    for res in &t.resources {
        if let Some(c) = &res.condition
            && resolver.condition(c) == Some(false)
        {
            continue;
        }
        let Some(props) = res.properties() else { continue };
        match res.kind.as_str() {
            "AWS::ECS::TaskDefinition" => {
                let resolved = resolver.resolve(props);
                let Some(o) = r.as_obj(&resolved, "Properties") else { continue };
                let mut td = ecs::read_task_def(&mut r, o, TdShape::Register);
                if td.family.is_missing() {
                    // CloudFormation names it after the stack and logical id.
                    td.family = F::known(resolver.task_family(&res.id), loc(res.key_off));
                } else if matches!(td.family.val, Val::Unknown(Unknown::Unresolved)) {
                    // A family from a parameter without a value: the `Ref`s of
                    // services carry the same stand-in, so they still link.
                    td.family = F::known(resolver.task_family(&res.id), td.family.at);
                }
                td.logical_id = Some(res.id.clone());
                out.task_defs.push(td);
            }
            "AWS::ECS::Service" => {
                let resolved = resolver.resolve(props);
                let Some(o) = r.as_obj(&resolved, "Properties") else { continue };
                let mut svc = ecs::read_service(&mut r, o, ServiceShape::Create);
                if svc.name.is_missing() {
                    svc.name = F::known(res.id.clone(), loc(res.key_off));
                }
                svc.logical_id = Some(res.id.clone());
                out.services.push(svc);
            }
            _ => {}
        }
    }
    super::context::load(file, &t, &resolver, &mut out.context, &mut r);
    super::notes::load(file, &t, &resolver, &mut out.context.template);
    out.issues.append(&mut r.issues);
    out.placeholders.append(&mut r.placeholders);
}

/// `Metadata: {ecs-triage: {ignore: [...]}}` silences rules for the byte
/// range of the resource: from its logical id to the next resource's.
fn suppressions(file: FileId, t: &Template<'_>, out: &mut Loaded) {
    let mut starts: Vec<(u32, &Resource<'_>)> = t.resources.iter().map(|r| (r.key_off, r)).collect();
    starts.sort_by_key(|(o, _)| *o);
    for (i, (start, r)) in starts.iter().enumerate() {
        let rules = r.ignored_rules();
        if rules.is_empty() {
            continue;
        }
        let end = starts.get(i + 1).map_or(u32::MAX, |(o, _)| *o);
        out.suppressions.push(Suppression { file, start: *start, end, rules });
    }
}
