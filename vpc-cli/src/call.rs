//! Running a command: a call through `vpc-client`'s runtime (its untyped call: signing,
//! retries, pacing, TLS, credentials), `--all-pages`, `--dry-run`, the waiters, and the
//! commands that send nothing (`--version`, `help`, `configure`, completion).

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use vpc_client::credentials::{
    AssumeRoleProvider, Credential, InstanceRoleProvider, WebIdentityProvider,
};
use vpc_client::{Client, Endpoint, Language, UntypedError, UntypedRequest};

use crate::args::{Call, Command, Globals, Wait};
use crate::config::{self, Auth, Settings};
use crate::error::CliError;
use crate::output::{self, Format};
use crate::table::{Action, Service};
use crate::{complete, help, input};

/// Runs `command`, printing its result to `out`.
///
/// # Errors
///
/// Whatever the command fails with.
pub fn execute(command: Command, out: &mut dyn Write) -> Result<(), CliError> {
    match command {
        Command::Version => emit(out, &format!("{}\n", crate::VERSION)),
        Command::Help(topic) => emit(out, &help::render(topic)),
        Command::Configure(command, profile) => {
            config::configure(&command, profile.as_deref(), out)
        }
        Command::Completion(shell) => emit(out, &complete::script(&shell)),
        Command::Complete(words) => emit(out, &complete::candidates(&words)),
        Command::Call(call) => run_call(call, out),
        Command::Wait(wait) => run_wait(wait, out),
    }
}

fn emit(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    match out.write_all(text.as_bytes()) {
        // A reader that went away (`| head`) is not a failure, as in tccli.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(|e| CliError::Failed(format!("cannot write the output: {e}"))),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))
}

fn check_version(service: &Service, globals: &Globals) -> Result<(), CliError> {
    match globals.api_version.as_deref() {
        Some(version)
            if version != service.version
                && version.replace('-', "") != service.version.replace('-', "") =>
        {
            Err(CliError::usage(format!(
                "available versions: {} (asked: {version})",
                service.version
            )))
        }
        _ => Ok(()),
    }
}

fn run_call(call: Call, out: &mut dyn Write) -> Result<(), CliError> {
    let Call {
        service,
        action,
        members,
        globals,
    } = call;
    check_version(service, &globals)?;
    if globals.skeleton {
        let skeleton = input::skeleton(service, action.input);
        return emit(out, &format!("{}\n", output::json(&skeleton)));
    }
    let loaded = match &globals.cli_input_json {
        Some(arg) => Some(input::read_input_json(arg)?),
        None => None,
    };
    let body = input::build(service, action, &members, globals.unfold, loaded)?;
    let settings = config::resolve(&globals, service.name, action.skip_sign)?;
    let format = Format::parse(&settings.output)?;
    if globals.all_pages && action.paging.is_none() {
        return Err(CliError::usage(format!(
            "--all-pages: {} does not come in pages",
            action.name
        )));
    }
    let rt = runtime()?;
    let client = build_client(&settings, &globals, &rt)?;
    if globals.dry_run {
        let request = request(service, action, &Value::Object(body.clone()))?;
        let mut shown = Value::Object(body.clone());
        redact(service, action.name, action.input, &mut shown);
        return emit(
            out,
            &rt.block_on(dry_run(&settings, service, &request, &shown))?,
        );
    }
    if globals.wait_task && action.task.is_none() {
        return Err(CliError::usage(format!(
            "--wait: {} starts no task the spec knows how to follow",
            action.name
        )));
    }
    let answer = if globals.all_pages {
        rt.block_on(all_pages(&client, service, action, body))?
    } else {
        let request = request(service, action, &Value::Object(body))?;
        rt.block_on(client.call_untyped(&request))
            .map_err(map_error)?
    };
    if let (true, Some(task)) = (globals.wait_task, action.task) {
        follow_task(
            &rt,
            &client,
            service,
            task,
            &answer,
            wait_timeout(&globals)?,
        )?;
    }
    let mut shown = output::project(service, action.output, &answer);
    if let Some(expression) = &globals.filter {
        shown = output::filter(&shown, expression)?;
    }
    output::print(&shown, format, out)
}

fn request(service: &Service, action: &Action, body: &Value) -> Result<UntypedRequest, CliError> {
    let mut request = UntypedRequest::new(service.name, service.version, action.name, body)
        .map_err(|e| CliError::usage(format!("cannot serialize the body: {e}")))?
        .default_host(service.default_host)
        .retry_safe(action.retry_safe)
        .skip_sign(action.skip_sign);
    if let Some(rate) = action.rate_limit {
        request = request.rate_limit(rate);
    }
    Ok(request)
}

/// The base URL of `--endpoint` or the configured endpoint: a host gets `https://`, as
/// tccli's SDK does; the default is the China site's host, tccli's default.
pub fn endpoint_url(endpoint: Option<&str>, service: &str) -> String {
    match endpoint {
        Some(url) if url.contains("://") => url.trim_end_matches('/').to_owned(),
        Some(host) => format!("https://{}", host.trim_end_matches('/')),
        None => format!("https://{service}.tencentcloudapi.com"),
    }
}

fn ca_bundle(globals: &Globals) -> Result<Option<Vec<u8>>, CliError> {
    let path = globals
        .ca_file
        .clone()
        .or_else(|| {
            std::env::var("SSL_CERT_FILE")
                .ok()
                .filter(|v| !v.is_empty())
        })
        .or_else(|| {
            std::env::var("REQUESTS_CA_BUNDLE")
                .ok()
                .filter(|v| !v.is_empty())
        });
    match path {
        None => Ok(None),
        Some(path) => std::fs::read(&path)
            .map(Some)
            .map_err(|e| CliError::usage(format!("cannot read the CA bundle {path}: {e}"))),
    }
}

fn build_client(
    settings: &Settings,
    globals: &Globals,
    rt: &tokio::runtime::Runtime,
) -> Result<Client, CliError> {
    // Building a client touches the runtime's timers and the TLS setup.
    let _guard = rt.enter();
    let mut builder = Client::builder()
        .region(settings.region.clone())
        .endpoint(Endpoint::Url(endpoint_url(
            settings.endpoint.as_deref(),
            &settings.service,
        )));
    if let Some(language) = settings.language.as_deref() {
        builder = builder.language(match language {
            "en-US" => Language::EnUs,
            "zh-CN" => Language::ZhCn,
            other => {
                return Err(CliError::usage(format!(
                    "--language must be zh-CN or en-US, not {other}"
                )));
            }
        });
    }
    if let Some(timeout) = globals.timeout.as_deref() {
        let seconds: u64 = timeout.parse().map_err(|_| {
            CliError::usage(format!(
                "argument --timeout: invalid int value: '{timeout}'"
            ))
        })?;
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    if let Some(proxy) = globals.https_proxy.as_deref() {
        builder = builder.proxy(proxy);
    }
    if let Some(pem) = ca_bundle(globals)? {
        builder = builder.add_root_certificates_pem(pem);
    }
    builder = match &settings.auth {
        Auth::Keys {
            secret_id,
            secret_key,
            token,
        } => {
            let mut credential = Credential::new(secret_id.clone(), secret_key.clone());
            if let Some(token) = token {
                credential = credential.with_token(token.clone());
            }
            builder.credentials(credential)
        }
        Auth::Role {
            secret_id,
            secret_key,
            role_arn,
            session_name,
        } => {
            let mut provider = AssumeRoleProvider::builder(
                Credential::new(secret_id.clone(), secret_key.clone()),
                role_arn.clone(),
                session_name.clone(),
            );
            if let Some(sts) = &settings.sts_endpoint {
                provider = provider.endpoint(Endpoint::Url(endpoint_url(Some(sts), "sts")));
            }
            let provider = provider
                .build()
                .map_err(|e| CliError::Config(format!("cannot assume the role: {e}")))?;
            builder.credentials(provider)
        }
        Auth::CvmRole => builder.credentials(InstanceRoleProvider::new()),
        Auth::TkeOidc => match &settings.sts_endpoint {
            None => builder.credentials(WebIdentityProvider::from_env()),
            Some(sts) => builder.credentials(
                WebIdentityProvider::builder()
                    .endpoint(Endpoint::Url(endpoint_url(Some(sts), "sts")))
                    .build()
                    .map_err(|e| CliError::Config(format!("cannot use TKE OIDC: {e}")))?,
            ),
        },
        Auth::None => builder,
    };
    builder
        .build()
        .map_err(|e| CliError::Config(format!("cannot build the client: {e}")))
}

fn map_error(error: vpc_client::Error<UntypedError>) -> CliError {
    match error.service_error() {
        Some(service) => CliError::Service {
            code: service.code.clone(),
            message: service.message.clone(),
            request_id: service.request_id.clone(),
        },
        None => CliError::Failed(format!("[TencentCloudSDKException] {error}")),
    }
}

async fn all_pages(
    client: &Client,
    service: &Service,
    action: &Action,
    mut body: Map<String, Value>,
) -> Result<Value, CliError> {
    let Some(paging) = &action.paging else {
        return Err(CliError::usage(format!(
            "--all-pages: {} does not come in pages",
            action.name
        )));
    };
    let number = |value: Option<&Value>| -> Option<u64> {
        match value? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    };
    let as_wire = |n: u64| {
        if paging.text {
            Value::String(n.to_string())
        } else {
            Value::from(n)
        }
    };
    let mut offset = number(body.get(paging.offset)).unwrap_or(0);
    let limit = number(body.get(paging.limit))
        .or(paging.max_limit)
        .unwrap_or(20)
        .max(1);
    body.insert(paging.limit.to_owned(), as_wire(limit));
    let mut items: Vec<Value> = Vec::new();
    let mut last;
    loop {
        body.insert(paging.offset.to_owned(), as_wire(offset));
        let request = request(service, action, &Value::Object(body.clone()))?;
        let answer = client.call_untyped(&request).await.map_err(map_error)?;
        let page: Vec<Value> = answer
            .get(paging.items)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let total = paging.count.and_then(|count| number(answer.get(count)));
        let got = page.len() as u64;
        items.extend(page);
        last = answer;
        offset += got;
        let done = got == 0 || got < limit || total.is_some_and(|total| offset >= total);
        if done {
            break;
        }
    }
    if let Value::Object(map) = &mut last {
        map.insert(paging.items.to_owned(), Value::Array(items));
    }
    Ok(last)
}

/// Replaces every secret member of `value` (of `members`, owned by `owner`, an action or
/// an object type) with `<redacted>`, at any depth: the spec's `sensitive` members.
fn redact(service: &Service, owner: &str, members: &[crate::table::Member], value: &mut Value) {
    let Value::Object(map) = value else {
        return;
    };
    for member in members {
        let Some(slot) = map.get_mut(member.name) else {
            continue;
        };
        if service.is_sensitive(owner, member.name) {
            *slot = Value::from("<redacted>");
        } else {
            redact_typed(service, member.ty, slot);
        }
    }
}

fn redact_typed(service: &Service, ty: crate::table::Ty, value: &mut Value) {
    use crate::table::Ty;
    match (ty, value) {
        (Ty::Object(name), value @ Value::Object(_)) => {
            if let Some(object) = service.object(name) {
                redact(service, object.name, object.members, value);
            }
        }
        (Ty::List(inner), Value::Array(items)) => {
            for item in items {
                redact_typed(service, *inner, item);
            }
        }
        _ => {}
    }
}

/// The signed request as text: the SecretId masked, the signature and the token
/// redacted, the body `shown` (its secret members redacted).
async fn dry_run(
    settings: &Settings,
    service: &Service,
    request: &UntypedRequest,
    shown: &Value,
) -> Result<String, CliError> {
    let url = endpoint_url(settings.endpoint.as_deref(), &settings.service);
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(&url)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let content_type = "application/json; charset=utf-8";
    let token = match &settings.auth {
        Auth::Keys { token, .. } => token.clone(),
        _ => None,
    };
    let authorization = match &settings.auth {
        Auth::Keys {
            secret_id,
            secret_key,
            ..
        } => {
            let signer = vpc_client::signing::Signer::new();
            let signature = signer.sign(
                &Credential::new(secret_id.clone(), secret_key.clone()),
                &vpc_client::signing::SignableRequest {
                    service: service.name,
                    host: &host,
                    content_type,
                    timestamp,
                    body: request.body(),
                },
            );
            // The SecretId masked, the signature (a bearer token for five minutes) cut.
            let text = signature
                .authorization
                .replace(secret_id.as_str(), &config::mask(secret_id));
            let cut = text.len().saturating_sub(64);
            format!("{}<redacted>", text.get(..cut).unwrap_or_default())
        }
        Auth::None => "SKIP".to_owned(),
        _ => format!(
            "TC3-HMAC-SHA256 Credential=<from {:?}>, SignedHeaders=content-type;host, Signature=<redacted>",
            settings.auth
        ),
    };
    let mut text = format!(
        "POST {url}/\nHost: {host}\nContent-Type: {content_type}\nX-TC-Action: {}\nX-TC-Version: {}\nX-TC-Timestamp: {timestamp}\nX-TC-Region: {}\nAuthorization: {authorization}\n",
        request.action(),
        request.version(),
        settings.region
    );
    if token.is_some() {
        text.push_str("X-TC-Token: <redacted>\n");
    }
    if let Some(language) = &settings.language {
        text.push_str(&format!("X-TC-Language: {language}\n"));
    }
    text.push('\n');
    text.push_str(&shown.to_string());
    text.push('\n');
    Ok(text)
}

fn path_text<'a>(mut value: &'a Value, path: &[&str]) -> Option<&'a str> {
    for step in path {
        value = value.get(step)?;
    }
    value.as_str()
}

fn run_wait(wait: Wait, out: &mut dyn Write) -> Result<(), CliError> {
    let Wait {
        service,
        waiter,
        deleted,
        id,
        globals,
    } = wait;
    let action = service.action(waiter.describe).ok_or_else(|| {
        CliError::Failed(format!(
            "the waiter's action {} is not in the tables",
            waiter.describe
        ))
    })?;
    let settings = config::resolve(&globals, service.name, false)?;
    let timeout = wait_timeout(&globals)?;
    let rt = runtime()?;
    let client = build_client(&settings, &globals, &rt)?;
    let mut body = Map::new();
    body.insert(
        waiter.ids.to_owned(),
        Value::Array(vec![Value::String(id.clone())]),
    );
    let request = request(service, action, &Value::Object(body))?;
    let started = Instant::now();
    let mut delay = Duration::from_secs(2);
    loop {
        let observed = rt.block_on(client.call_untyped(&request));
        let state = match observed {
            Ok(answer) => {
                let item = answer
                    .get(waiter.items)
                    .and_then(Value::as_array)
                    .and_then(|items| {
                        items
                            .iter()
                            .find(|item| path_text(item, waiter.id) == Some(id.as_str()))
                    });
                match item {
                    None if deleted => {
                        return emit(out, &format!("{} {id} is gone\n", waiter.resource));
                    }
                    None => None,
                    Some(item) => {
                        let state = path_text(item, waiter.state).map(str::to_owned);
                        if !deleted && let Some(state) = &state {
                            if waiter.success.contains(&state.as_str()) {
                                let shown = match service.object(item_type(action, waiter.items)) {
                                    Some(object) => output::project(service, object.members, item),
                                    None => item.clone(),
                                };
                                return emit(out, &format!("{}\n", output::json(&shown)));
                            }
                            if waiter.failure.contains(&state.as_str()) {
                                return Err(CliError::Failed(format!(
                                    "{} {id} reached the failure state {state}",
                                    waiter.resource
                                )));
                            }
                        }
                        state
                    }
                }
            }
            Err(error) => {
                let mapped = map_error(error);
                if let CliError::Service { code, .. } = &mapped
                    && waiter.not_found.contains(&code.as_str())
                {
                    if deleted {
                        return emit(out, &format!("{} {id} is gone\n", waiter.resource));
                    }
                    None
                } else {
                    return Err(mapped);
                }
            }
        };
        if started.elapsed() + delay > timeout {
            return Err(CliError::Failed(format!(
                "timed out after {} s waiting for {} {id} (last state: {})",
                started.elapsed().as_secs(),
                waiter.resource,
                state.as_deref().unwrap_or("none")
            )));
        }
        eprintln!(
            "{} {id}: {}; next look in {} s",
            waiter.resource,
            state.as_deref().unwrap_or("not found yet"),
            delay.as_secs()
        );
        std::thread::sleep(delay);
        delay = (delay * 3 / 2).min(Duration::from_secs(15));
    }
}

fn item_type(action: &Action, items: &str) -> &'static str {
    action
        .output
        .iter()
        .find(|m| m.name == items)
        .and_then(|m| match m.ty {
            crate::table::Ty::List(crate::table::Ty::Object(name)) => Some(*name),
            _ => None,
        })
        .unwrap_or_default()
}

fn wait_timeout(globals: &Globals) -> Result<Duration, CliError> {
    match globals.wait_timeout.as_deref() {
        Some(text) => Ok(Duration::from_secs(text.parse().map_err(|_| {
            CliError::usage(format!(
                "argument --wait-timeout: invalid int value: '{text}'"
            ))
        })?)),
        None => Ok(Duration::from_secs(600)),
    }
}

/// Follows the task `answer` started until it succeeds, fails or the time is up.
fn follow_task(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    service: &Service,
    task: crate::table::Task,
    answer: &Value,
    timeout: Duration,
) -> Result<(), CliError> {
    use crate::table::{Task, Ty};
    let (poller, id, status_member, message_member) = match task {
        Task::RequestId => (
            "DescribeVpcTaskResult",
            answer.get("RequestId"),
            "Status",
            "Output",
        ),
        Task::TaskId => (
            "DescribeTaskResult",
            answer.get("TaskId"),
            "Result",
            "Result",
        ),
    };
    let poll_action = service
        .action(poller)
        .ok_or_else(|| CliError::Failed(format!("{poller} is not in the tables")))?;
    let id_text = match id {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(CliError::Failed(
                "the answer names no task to follow".to_owned(),
            ));
        }
    };
    let ty = poll_action
        .input
        .iter()
        .find(|m| m.name == "TaskId")
        .map_or(Ty::String, |m| m.ty);
    let id_value = match ty {
        Ty::Int64 | Ty::UInt64 => id_text
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| CliError::Failed(format!("the task ID {id_text} is not a number")))?,
        _ => Value::String(id_text.clone()),
    };
    let mut body = Map::new();
    body.insert("TaskId".to_owned(), id_value);
    let request = request(service, poll_action, &Value::Object(body))?;
    let started = Instant::now();
    let mut delay = Duration::from_secs(1);
    loop {
        let polled = rt
            .block_on(client.call_untyped(&request))
            .map_err(map_error)?;
        let status = polled
            .get(status_member)
            .and_then(Value::as_str)
            .unwrap_or_default();
        if status.eq_ignore_ascii_case("SUCCESS") {
            return Ok(());
        }
        if status.eq_ignore_ascii_case("FAILED") {
            let message = polled
                .get(message_member)
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(CliError::Failed(format!(
                "task {id_text} failed: {message}"
            )));
        }
        if started.elapsed() + delay > timeout {
            return Err(CliError::Failed(format!(
                "timed out after {} s waiting for task {id_text} (last status: {status})",
                started.elapsed().as_secs()
            )));
        }
        eprintln!(
            "task {id_text}: {status}; next look in {} s",
            delay.as_secs()
        );
        std::thread::sleep(delay);
        delay = (delay * 3 / 2).min(Duration::from_secs(10));
    }
}
