//! The macro front end generates the same paginators for a user's own spec
//! (`vpc-codegen/tests/data/paging.json`, whose generated code the `paging` snapshot
//! shows): the regular shape found by the rule, text page fields with no count and a
//! maximum from the spec, a count and list named in the spec, and `pagination: false`.
//! Each listing runs against a local endpoint serving that spec.

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

vpc_macros::generate! {
    spec = "../vpc-codegen/tests/data/paging.json",
    client_trait = DemoApi,
}

const ITEMS: usize = 23;

fn spec() -> api_spec::ir::Service {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vpc-codegen/tests/data/paging.json");
    api_spec::load_file(&path).expect("valid")
}

fn number(value: Option<&Value>) -> Option<usize> {
    match value? {
        Value::String(text) => text.parse().ok(),
        other => other.as_u64().and_then(|n| usize::try_from(n).ok()),
    }
}

/// Serves `ITEMS` items of every listing by `Offset`/`Limit` (page size 4 when the
/// request has no `Limit`) and records each call's `(Offset, Limit)`.
async fn endpoint() -> (vpc_mock::RunningServer, Arc<Mutex<Vec<(Value, Value)>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&seen);
    let server = vpc_mock::MockServer::builder()
        .spec(&spec())
        .credential(vpc_mock::demo_credential())
        .handler(move |call: vpc_mock::Call| {
            let offset = call.params.get("Offset").cloned().unwrap_or(Value::Null);
            let limit = call.params.get("Limit").cloned().unwrap_or(Value::Null);
            recorder
                .lock()
                .expect("not poisoned")
                .push((offset.clone(), limit.clone()));
            let start = number(Some(&offset)).unwrap_or(0).min(ITEMS);
            let end = (start + number(Some(&limit)).unwrap_or(4)).min(ITEMS);
            let mut out = Map::new();
            match call.action.as_str() {
                "DescribeThings" => {
                    let things: Vec<Value> = (start..end)
                        .map(|i| json!({"ThingId": format!("t-{i}")}))
                        .collect();
                    out.insert("TotalCount".into(), json!(ITEMS));
                    out.insert("ThingSet".into(), Value::Array(things));
                }
                "DescribeNames" => {
                    let names: Vec<Value> = (start..end).map(|i| json!(format!("n-{i}"))).collect();
                    out.insert("Names".into(), Value::Array(names));
                }
                _ => {
                    let rows: Vec<Value> = (start..end).map(|i| json!(format!("r-{i}"))).collect();
                    out.insert("Total".into(), json!(ITEMS));
                    out.insert("Columns".into(), json!(["a", "b"]));
                    out.insert("Rows".into(), Value::Array(rows));
                }
            }
            async move { Ok(out) }
        })
        .start()
        .await
        .expect("starts");
    (server, seen)
}

fn client(server: &vpc_mock::RunningServer) -> vpc_client::Client {
    vpc_client::Client::builder()
        .credentials(vpc_mock::demo_credential())
        .region("ap-guangzhou")
        .endpoint(vpc_client::Endpoint::Url(server.url()))
        .build()
        .expect("builds")
}

#[tokio::test]
async fn the_regular_shape_pages_by_the_documented_maximum() {
    let (server, seen) = endpoint().await;
    let client = client(&server);
    let mut request = DescribeThingsRequest::new("me");
    request.limit = Some(10);
    let mut items = client.describe_things_pages(request).items();
    let mut ids = Vec::new();
    while let Some(thing) = items.next().await {
        ids.push(thing.expect("answers").thing_id);
    }
    assert_eq!(
        ids,
        (0..ITEMS).map(|i| format!("t-{i}")).collect::<Vec<_>>()
    );
    let offsets: Vec<Value> = seen
        .lock()
        .expect("ok")
        .iter()
        .map(|(o, _)| o.clone())
        .collect();
    assert_eq!(offsets, [json!(0), json!(10), json!(20)]);

    // Without a Limit, the documented maximum ("Maximum value: 50") is sent.
    seen.lock().expect("ok").clear();
    let mut pages = client.describe_things_pages(DescribeThingsRequest::new("me"));
    let page = pages.next().await.expect("a page").expect("answers");
    assert_eq!((page.total_count, page.thing_set.len()), (23, 23));
    assert!(pages.next().await.is_none());
    assert_eq!(*seen.lock().expect("ok"), [(json!(0), json!(50))]);
}

#[tokio::test]
async fn text_fields_without_a_count_stop_at_the_short_page() {
    let (server, seen) = endpoint().await;
    let mut items = client(&server)
        .describe_names_pages(DescribeNamesRequest::new())
        .items();
    let mut names = Vec::new();
    while let Some(name) = items.next().await {
        names.push(name.expect("answers"));
    }
    assert_eq!(names.len(), ITEMS);
    assert_eq!(names.last().map(String::as_str), Some("n-22"));
    // max_limit 10 from the spec, as text: 10, 10, then 3 (short) ends it.
    let calls: Vec<(Value, Value)> = seen.lock().expect("ok").clone();
    assert_eq!(
        calls,
        [
            (json!("0"), json!("10")),
            (json!("10"), json!("10")),
            (json!("20"), json!("10"))
        ]
    );
}

#[tokio::test]
async fn the_named_list_and_count_are_the_ones_paged() {
    let (server, seen) = endpoint().await;
    let mut items = client(&server)
        .describe_rows_pages(DescribeRowsRequest::new())
        .items();
    let mut rows = Vec::new();
    while let Some(row) = items.next().await {
        rows.push(row.expect("answers"));
    }
    // The rows, never the columns; no maximum is known, so no Limit is sent and the
    // server's page of 4 applies; the count (Total, 23) ends it after 6 calls.
    assert_eq!(
        rows,
        (0..ITEMS).map(|i| format!("r-{i}")).collect::<Vec<_>>()
    );
    assert_eq!(seen.lock().expect("ok").len(), 6);
    assert!(
        seen.lock()
            .expect("ok")
            .iter()
            .all(|(_, limit)| limit.is_null())
    );
}

/// Whether a type implements `Paginated`, decided at compile time on stable Rust
/// (autoref specialisation: the `Paginated` impl is preferred when it applies).
struct Probe<T>(std::marker::PhantomData<T>);
trait Paged {
    fn paged(&self) -> bool {
        true
    }
}
impl<T: vpc_client::Paginated> Paged for Probe<T> {}
trait Unpaged {
    fn paged(&self) -> bool {
        false
    }
}
impl<T> Unpaged for &Probe<T> {}

macro_rules! is_paged {
    ($request:ty) => {{
        let probe = &Probe::<$request>(std::marker::PhantomData);
        probe.paged()
    }};
}

/// `pagination: false` leaves an action that has the shape unpaged: it keeps its call
/// method, and its request implements no `Paginated` (so there is no
/// `describe_settings_pages` either).
#[test]
fn pagination_false_generates_no_paginator() {
    assert!(is_paged!(DescribeThingsRequest));
    assert!(is_paged!(DescribeNamesRequest));
    assert!(is_paged!(DescribeRowsRequest));
    assert!(!is_paged!(DescribeSettingsRequest));
    let _call = <vpc_client::Client as DemoApi>::describe_settings;
}
