//! A compose service's keys in the forms the rules read: every syntax the spec allows
//! (`environment` as a list or a map, short and long `depends_on`, `ports`, `volumes`,
//! `healthcheck.test` as a string or a list) reduced to one.

use std::sync::Arc;

use super::interpolate::interpolate;
use super::node::{Entry, Node, Rule, Scalar, Value};
use super::{Project, Service};
use crate::source::Span;

/// The merge rule of a key path under a service (compose-spec `merge.md`).
pub(super) fn rule(path: &[String]) -> Rule {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["command"] | ["entrypoint"] | ["healthcheck", "test"] => Rule::Replace,
        ["ports"] => Rule::Unique(port_key),
        ["volumes"] => Rule::Unique(volume_key),
        ["secrets"] | ["configs"] => Rule::Unique(secret_key),
        // Unique by value in compose-go (`override/uncity.go`) and in docker-compose 1.29
        // (`merge_unique_items_lists`): an override repeating `expose: ["3000"]` adds nothing.
        ["expose"] | ["profiles"] | ["cap_add"] | ["cap_drop"] => Rule::Unique(text_key),
        _ => Rule::Merge,
    }
}

fn port_key(n: &Node) -> Option<String> {
    let p = Port::read(n)?;
    Some(format!(
        "{}|{}|{:?}|{}",
        p.host_ip.unwrap_or_default(),
        p.target,
        p.published,
        p.protocol
    ))
}

fn text_key(n: &Node) -> Option<String> {
    n.text().map(str::to_string)
}

fn volume_key(n: &Node) -> Option<String> {
    Volume::read(n).map(|v| v.target)
}

fn secret_key(n: &Node) -> Option<String> {
    match &n.value {
        Value::Scalar(s) => Some(format!("/run/secrets/{}", s.text())),
        Value::Map(_) => n
            .get("target")
            .or_else(|| n.get("source"))
            .and_then(Node::text)
            .map(str::to_string),
        _ => None,
    }
}

fn scalar_node(
    text: &str,
    span: Span,
    file: &Arc<str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Node {
    Node {
        value: Value::Scalar(Scalar {
            raw: text.to_string(),
            value: interpolate(text, lookup),
        }),
        span,
        file: file.clone(),
        tag: None,
    }
}

/// `KEY=VALUE` list items (`environment`, `labels`, `build.args`) as a mapping, as compose-go
/// reads them before merging. A bare `KEY` has a null value.
fn list_to_map(node: &mut Node, lookup: &dyn Fn(&str) -> Option<String>) {
    let Value::Seq(items) = &node.value else {
        return;
    };
    let mut entries: Vec<Entry> = Vec::new();
    for item in items {
        let Some(s) = item.scalar() else { continue };
        let (key, value) = match s.raw.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (s.raw.as_str(), None),
        };
        let value = match value {
            Some(v) => scalar_node(v, item.span, &item.file, lookup),
            None => Node::null(&item.file, item.span),
        };
        entries.retain(|e| e.key != key);
        entries.push(Entry {
            key: key.to_string(),
            key_span: item.span,
            value,
        });
    }
    node.value = Value::Map(entries);
}

/// Brings a service's keys to one form before merging.
pub(super) fn normalize(svc: &mut Node, lookup: &dyn Fn(&str) -> Option<String>) {
    let Value::Map(entries) = &mut svc.value else {
        return;
    };
    for e in entries.iter_mut() {
        let file = e.value.file.clone();
        match e.key.as_str() {
            "environment" | "labels" | "sysctls" => list_to_map(&mut e.value, lookup),
            "build" => {
                if e.value.scalar().is_some() {
                    let context = e.value.clone();
                    e.value = Node {
                        value: Value::Map(vec![Entry {
                            key: "context".into(),
                            key_span: context.span,
                            value: context.clone(),
                        }]),
                        span: context.span,
                        file,
                        tag: context.tag.clone(),
                    };
                } else if let Value::Map(b) = &mut e.value.value
                    && let Some(args) = b.iter_mut().find(|x| x.key == "args")
                {
                    list_to_map(&mut args.value, lookup);
                }
            }
            "depends_on" => {
                if let Value::Seq(items) = &e.value.value {
                    let map = items
                        .iter()
                        .filter_map(|i| {
                            Some(Entry {
                                key: i.text()?.to_string(),
                                key_span: i.span,
                                value: Node {
                                    value: Value::Map(Vec::new()),
                                    span: i.span,
                                    file: i.file.clone(),
                                    tag: None,
                                },
                            })
                        })
                        .collect();
                    e.value.value = Value::Map(map);
                }
            }
            "env_file" if e.value.scalar().is_some() => {
                let one = e.value.clone();
                e.value.value = Value::Seq(vec![one]);
            }
            "extends" if e.value.scalar().is_some() => {
                let one = e.value.clone();
                e.value.value = Value::Map(vec![Entry {
                    key: "service".into(),
                    key_span: one.span,
                    value: one,
                }]);
            }
            _ => {}
        }
    }
}

/// Where an environment variable's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvSource<'a> {
    /// `environment:` with a value.
    Value(&'a Node),
    /// `environment: [KEY]` / `KEY:`: the shell's value, or the variable is not set.
    Shell,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar<'a> {
    pub name: &'a str,
    pub key_span: Span,
    pub file: &'a Arc<str>,
    pub source: EnvSource<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFileRef<'a> {
    pub node: &'a Node,
    /// As written (interpolated when known).
    pub path: &'a str,
    /// `required: false` in the long form.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependsOn<'a> {
    pub name: &'a str,
    pub span: Span,
    pub file: &'a Arc<str>,
    /// `service_started` unless the long form says otherwise.
    pub condition: String,
    /// `required: false` makes a missing dependency a warning.
    pub required: bool,
}

/// `healthcheck.test` as the engine runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// `["CMD", "x", …]`: run directly.
    Exec(Vec<String>),
    /// A string, or `["CMD-SHELL", "…"]`: run by `/bin/sh -c`.
    Shell(String),
    /// `["NONE"]`.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Healthcheck<'a> {
    pub node: &'a Node,
    /// `None` when only timing is set (the image's test is kept).
    pub test: Option<(Test, &'a Node)>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port<'a> {
    pub node: Option<&'a Node>,
    pub host_ip: Option<String>,
    /// The published host port range, `None` when Compose picks one.
    pub published: Option<(u32, u32)>,
    pub target: String,
    pub protocol: String,
}

impl Port<'_> {
    /// A `ports` item in any syntax: `"3000"`, `"3000:3000"`, `"127.0.0.1:3000:3000/tcp"`,
    /// `"3000-3005:3000-3005"`, `"[::1]:80:80"`, or the long form.
    pub fn read(n: &Node) -> Option<Port<'_>> {
        match &n.value {
            Value::Scalar(_) => {
                let text = n.text()?;
                let (rest, protocol) = match text.rsplit_once('/') {
                    Some((r, p)) => (r, p.to_string()),
                    None => (text, "tcp".to_string()),
                };
                let (host_ip, rest) = if let Some(r) = rest.strip_prefix('[') {
                    let (ip, r) = r.split_once(']')?;
                    (Some(ip.to_string()), r.trim_start_matches(':'))
                } else {
                    let parts: Vec<&str> = rest.split(':').collect();
                    if parts.len() == 3 {
                        (Some(parts[0].to_string()), &rest[parts[0].len() + 1..])
                    } else {
                        (None, rest)
                    }
                };
                let (published, target) = match rest.split_once(':') {
                    Some((p, t)) => (if p.is_empty() { None } else { range(p) }, t),
                    None => (None, rest),
                };
                Some(Port {
                    node: Some(n),
                    host_ip: host_ip.filter(|h| !h.is_empty()),
                    published,
                    target: target.to_string(),
                    protocol,
                })
            }
            Value::Map(_) => Some(Port {
                node: Some(n),
                host_ip: n.get("host_ip").and_then(Node::text).map(str::to_string),
                published: n.get("published").and_then(Node::text).and_then(range),
                target: n.get("target").and_then(Node::text)?.to_string(),
                protocol: n
                    .get("protocol")
                    .and_then(Node::text)
                    .unwrap_or("tcp")
                    .to_string(),
            }),
            _ => None,
        }
    }

    /// Whether it listens on every interface of the host.
    pub fn all_interfaces(&self) -> bool {
        matches!(self.host_ip.as_deref(), None | Some("0.0.0.0") | Some("::"))
    }
}

fn range(s: &str) -> Option<(u32, u32)> {
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a, b),
        None => (s, s),
    };
    let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b && b <= 65_535).then_some((a, b))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeKind {
    Bind,
    Volume,
    Tmpfs,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub kind: VolumeKind,
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
}

impl Volume {
    /// A `volumes` item: `"data:/var/lib/x"`, `"./src:/app:ro"`, `"/var/lib/x"` (anonymous),
    /// or the long form.
    pub fn read(n: &Node) -> Option<Volume> {
        match &n.value {
            Value::Scalar(_) => {
                let text = n.text()?;
                let parts: Vec<&str> = text.split(':').collect();
                let (source, target, mode) = match parts.as_slice() {
                    [t] => (None, *t, ""),
                    [s, t] => (Some(*s), *t, ""),
                    [s, t, m, ..] => (Some(*s), *t, *m),
                    [] => return None,
                };
                let kind = match source {
                    None => VolumeKind::Volume,
                    Some(s) if s.starts_with(['.', '/', '~', '$']) => VolumeKind::Bind,
                    Some(_) => VolumeKind::Volume,
                };
                Some(Volume {
                    kind,
                    source: source.map(str::to_string),
                    target: crate::paths::clean(target),
                    read_only: mode.split(',').any(|m| m == "ro"),
                })
            }
            Value::Map(_) => {
                let kind = match n.get("type").and_then(Node::text).unwrap_or("volume") {
                    "bind" => VolumeKind::Bind,
                    "volume" => VolumeKind::Volume,
                    "tmpfs" => VolumeKind::Tmpfs,
                    _ => VolumeKind::Other,
                };
                Some(Volume {
                    kind,
                    source: n.get("source").and_then(Node::text).map(str::to_string),
                    target: crate::paths::clean(n.get("target").and_then(Node::text)?),
                    read_only: n.get("read_only").is_some_and(Node::is_true),
                })
            }
            _ => None,
        }
    }
}

impl Service {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.node.get(key)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.node.entry(key)
    }

    pub fn image(&self) -> Option<&str> {
        self.get("image").and_then(Node::text)
    }

    pub fn builds(&self) -> bool {
        self.get("build").is_some()
    }

    /// `environment`, in file order.
    pub fn environment(&self) -> Vec<EnvVar<'_>> {
        self.get("environment")
            .map(|e| {
                e.entries()
                    .iter()
                    .map(|x| EnvVar {
                        name: &x.key,
                        key_span: x.key_span,
                        file: &x.value.file,
                        source: if x.value.is_null() {
                            EnvSource::Shell
                        } else {
                            EnvSource::Value(&x.value)
                        },
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn env_files(&self) -> Vec<EnvFileRef<'_>> {
        let Some(list) = self.get("env_file") else {
            return Vec::new();
        };
        list.items()
            .iter()
            .filter_map(|item| match &item.value {
                Value::Scalar(_) => Some(EnvFileRef {
                    node: item,
                    path: item.text()?,
                    required: true,
                }),
                Value::Map(_) => {
                    let path = item.get("path")?;
                    Some(EnvFileRef {
                        node: path,
                        path: path.text()?,
                        required: !item
                            .get("required")
                            .and_then(Node::known)
                            .is_some_and(|r| r.eq_ignore_ascii_case("false")),
                    })
                }
                _ => None,
            })
            .collect()
    }

    pub fn depends_on(&self) -> Vec<DependsOn<'_>> {
        let Some(d) = self.get("depends_on") else {
            return Vec::new();
        };
        d.entries()
            .iter()
            .map(|e| DependsOn {
                name: &e.key,
                span: e.key_span,
                file: &e.value.file,
                condition: e
                    .value
                    .get("condition")
                    .and_then(Node::text)
                    .unwrap_or("service_started")
                    .to_string(),
                required: !e
                    .value
                    .get("required")
                    .and_then(Node::known)
                    .is_some_and(|r| r.eq_ignore_ascii_case("false")),
            })
            .collect()
    }

    pub fn healthcheck(&self) -> Option<Healthcheck<'_>> {
        let node = self.get("healthcheck")?;
        let disabled = node.get("disable").is_some_and(Node::is_true);
        let test = node.get("test").and_then(|t| {
            let test = match &t.value {
                Value::Scalar(_) => Test::Shell(t.text()?.to_string()),
                Value::Seq(items) => {
                    let words: Vec<String> = items
                        .iter()
                        .filter_map(Node::text)
                        .map(str::to_string)
                        .collect();
                    match words.first().map(String::as_str) {
                        Some("NONE") => Test::None,
                        Some("CMD") => Test::Exec(words[1..].to_vec()),
                        Some("CMD-SHELL") => Test::Shell(words[1..].join(" ")),
                        _ => return None,
                    }
                }
                _ => return None,
            };
            Some((test, t))
        });
        let disabled = disabled || matches!(test, Some((Test::None, _)));
        Some(Healthcheck {
            node,
            test,
            disabled,
        })
    }

    pub fn ports(&self) -> Vec<Port<'_>> {
        self.get("ports")
            .map(|p| p.items().iter().filter_map(Port::read).collect())
            .unwrap_or_default()
    }

    pub fn volumes(&self) -> Vec<(Volume, &Node)> {
        self.get("volumes")
            .map(|v| {
                v.items()
                    .iter()
                    .filter_map(|n| Some((Volume::read(n)?, n)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the service only runs with a profile enabled.
    pub fn in_profile(&self) -> bool {
        !self.profiles.is_empty()
    }

    /// `deploy.resources.limits`, `mem_limit` or `cpus`.
    pub fn has_limits(&self) -> bool {
        self.node
            .get_in(&["deploy", "resources", "limits"])
            .is_some()
            || self.get("mem_limit").is_some()
            || self.get("cpus").is_some()
    }

    /// `restart` or `deploy.restart_policy`.
    pub fn has_restart_policy(&self) -> bool {
        self.get("restart").is_some() || self.node.get_in(&["deploy", "restart_policy"]).is_some()
    }

    /// `command` as words (a string is split on whitespace, as a shell would not: good
    /// enough to recognise a program and its flags).
    pub fn command_words(&self) -> Vec<&str> {
        match self.get("command") {
            Some(c) if c.scalar().is_some() => c
                .text()
                .map(|t| t.split_whitespace().collect())
                .unwrap_or_default(),
            Some(c) => c.items().iter().filter_map(Node::text).collect(),
            None => Vec::new(),
        }
    }

    /// Whether the service runs once and exits (migrations, seeders, builders): named by
    /// another service's `service_completed_successfully`, `restart: "no"` with a command, or
    /// a one-shot profile.
    pub fn is_one_shot(&self, project: &Project) -> bool {
        project.services.iter().any(|s| {
            s.depends_on()
                .iter()
                .any(|d| d.name == self.name && d.condition == "service_completed_successfully")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str) -> Node {
        let file: Arc<str> = Arc::from("compose.yaml");
        Node::from_yaml(&crate::parse::yaml::parse(text).unwrap(), &file, &|_| None)
    }

    #[test]
    fn reads_every_port_syntax() {
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            Option<(u32, u32)>,
            &'a str,
            &'a str,
        );
        let cases: &[Case<'_>] = &[
            ("'3000'", None, None, "3000", "tcp"),
            ("'3000:80'", None, Some((3000, 3000)), "80", "tcp"),
            (
                "'127.0.0.1:5432:5432'",
                Some("127.0.0.1"),
                Some((5432, 5432)),
                "5432",
                "tcp",
            ),
            (
                "'8000-8005:8000-8005/udp'",
                None,
                Some((8000, 8005)),
                "8000-8005",
                "udp",
            ),
            ("'[::1]:80:80'", Some("::1"), Some((80, 80)), "80", "tcp"),
            ("'127.0.0.1::80'", Some("127.0.0.1"), None, "80", "tcp"),
            (
                "{target: 80, published: '8080', host_ip: 0.0.0.0, protocol: udp}",
                Some("0.0.0.0"),
                Some((8080, 8080)),
                "80",
                "udp",
            ),
        ];
        for (text, ip, published, target, protocol) in cases {
            let n = node(text);
            let p = Port::read(&n).unwrap();
            assert_eq!(
                (
                    p.host_ip.as_deref(),
                    p.published,
                    p.target.as_str(),
                    p.protocol.as_str()
                ),
                (*ip, *published, *target, *protocol),
                "{text}"
            );
        }
    }

    #[test]
    fn an_override_repeating_expose_or_profiles_adds_nothing() {
        let mut base = node("expose: ['3000']\nprofiles: [web]\ncap_add: [NET_ADMIN]\n");
        let over = node("expose: ['3000', '9229']\nprofiles: [web, debug]\ncap_add: [NET_ADMIN]\n");
        super::super::node::merge(&mut base, over, &mut Vec::new(), &rule);
        let texts = |key: &str| -> Vec<String> {
            base.get(key)
                .map(|n| {
                    n.items()
                        .iter()
                        .filter_map(Node::text)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        assert_eq!(texts("expose"), ["3000", "9229"]);
        assert_eq!(texts("profiles"), ["web", "debug"]);
        assert_eq!(texts("cap_add"), ["NET_ADMIN"]);
    }

    #[test]
    fn reads_volumes_in_both_forms() {
        let v = Volume::read(&node("'pgdata:/var/lib/postgresql/data'")).unwrap();
        assert_eq!(
            (v.kind, v.target.as_str()),
            (VolumeKind::Volume, "/var/lib/postgresql/data")
        );
        // Compose cleans the target: a trailing slash names the same mount.
        let v = Volume::read(&node("'pgdata:/var/lib/postgresql/data/'")).unwrap();
        assert_eq!(v.target, "/var/lib/postgresql/data");
        let v = Volume::read(&node("{type: volume, target: /srv//app/./data/../cache/}")).unwrap();
        assert_eq!(v.target, "/srv/app/cache");
        let mut base = node("volumes: ['a:/data/']");
        super::super::node::merge(
            &mut base,
            node("volumes: ['b:/data']"),
            &mut Vec::new(),
            &rule,
        );
        let sources: Vec<Option<String>> = base
            .get("volumes")
            .unwrap()
            .items()
            .iter()
            .filter_map(Volume::read)
            .map(|v| v.source)
            .collect();
        assert_eq!(sources, [Some("b".to_string())]);
        let v = Volume::read(&node("'./src:/app:ro'")).unwrap();
        assert_eq!((v.kind, v.read_only), (VolumeKind::Bind, true));
        let v = Volume::read(&node("/data")).unwrap();
        assert_eq!((v.kind, v.source), (VolumeKind::Volume, None));
        let v = Volume::read(&node("{type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock, read_only: true}")).unwrap();
        assert_eq!((v.kind, v.read_only), (VolumeKind::Bind, true));
    }
}
