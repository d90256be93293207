//! Paginators against a local endpoint that serves N items by `Offset`/`Limit`: where a
//! listing starts and ends (0, 1, one page, 250 items in 3 calls), text and integer
//! page fields on the wire, a count that lies or shrinks, an action with no count, a
//! page that fails (after its retries, and once), and the rate limit held over a
//! 1,000-item listing. Every request is signed and verified by `vpc-mock`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::Stream as _;
use serde_json::{Map, Value, json};
use vpc_client::vpc::{
    CommonError, DescribeAddressesRequest, DescribeCcnsRequest, DescribeTrafficMirrorsRequest,
    DescribeVpcsError, DescribeVpcsRequest,
};
use vpc_client::{Client, Endpoint, Error, RateLimitPolicy, RetryPolicy};
use vpc_mock::{
    ActionInfo, ApiError, Call, MockServer, RunningServer, actions_from_service, demo_credential,
    vpc_service,
};

/// How the local endpoint answers one listing.
#[derive(Clone)]
struct Listing {
    /// How many items exist, before and after the `shrink_after`-th call.
    items: usize,
    /// After this many calls, only this many items exist (items removed mid-listing).
    shrink_after: Option<(usize, usize)>,
    /// The count every answer reports instead of the truth (a server that lies).
    reported_count: Option<u64>,
    /// Answer `InternalError` to calls at this offset, this many times.
    fail_at: Option<(u64, usize)>,
    /// The page size when the request has no `Limit` (Tencent's usual default).
    default_limit: u64,
}

impl Listing {
    fn of(items: usize) -> Self {
        Self {
            items,
            shrink_after: None,
            reported_count: None,
            fail_at: None,
            default_limit: 20,
        }
    }
}

/// What the endpoint saw: every call's `(Offset, Limit)` as sent, JSON type included.
#[derive(Default)]
struct Seen {
    calls: Vec<(Option<Value>, Option<Value>)>,
    failures_left: Option<usize>,
}

/// The list member, count member and ID member of each action under test.
fn members(action: &str) -> (&'static str, Option<&'static str>, &'static str) {
    match action {
        "DescribeVpcs" => ("VpcSet", Some("TotalCount"), "VpcId"),
        "DescribeAddresses" => ("AddressSet", Some("TotalCount"), "AddressId"),
        "DescribeCcns" => ("CcnSet", Some("TotalCount"), "CcnId"),
        "DescribeTrafficMirrors" => ("TrafficMirrorSet", None, "TrafficMirrorId"),
        other => panic!("no listing for {other}"),
    }
}

fn number(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::String(text) => text.parse().ok(),
        other => other.as_u64(),
    }
}

fn answer(
    listing: &Listing,
    seen: &Mutex<Seen>,
    call: &Call,
) -> Result<Map<String, Value>, ApiError> {
    let offset_value = call.params.get("Offset").cloned();
    let limit_value = call.params.get("Limit").cloned();
    let mut seen = seen.lock().expect("not poisoned");
    seen.calls.push((offset_value.clone(), limit_value.clone()));
    let offset = number(offset_value.as_ref()).unwrap_or(0);
    let limit = number(limit_value.as_ref()).unwrap_or(listing.default_limit);
    if let Some((at, times)) = listing.fail_at {
        let left = seen.failures_left.get_or_insert(times);
        if offset == at && *left > 0 {
            *left -= 1;
            return Err(ApiError::new("InternalError", "the page could not be read"));
        }
    }
    let exists = match listing.shrink_after {
        Some((after, now)) if seen.calls.len() > after => now,
        _ => listing.items,
    };
    let (list, count, id) = members(&call.action);
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(exists);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(exists);
    let page: Vec<Value> = (start..end)
        .map(|i| json!({ id: format!("id-{i}") }))
        .collect();
    let mut members = Map::new();
    members.insert(list.to_owned(), Value::Array(page));
    if let Some(count) = count {
        let reported = listing.reported_count.unwrap_or(exists as u64);
        members.insert(count.to_owned(), Value::from(reported));
    }
    Ok(members)
}

/// A running local endpoint and what it saw.
struct Local {
    server: RunningServer,
    seen: Arc<Mutex<Seen>>,
}

impl Local {
    fn calls(&self) -> Vec<(Option<Value>, Option<Value>)> {
        self.seen.lock().expect("not poisoned").calls.clone()
    }

    /// Every call's `Offset`, as sent.
    fn offsets(&self) -> Vec<Option<Value>> {
        self.calls().into_iter().map(|(offset, _)| offset).collect()
    }
}

/// The local endpoint with the VPC spec's action table (so page fields of the wrong
/// JSON type are refused, as Tencent refuses them), `rate_limit` per second on the
/// listed actions if given, answering the listed actions from `listing`.
async fn start(listing: Listing, rate_limit: Option<u32>) -> Local {
    let service = vpc_service().expect("the VPC spec is valid");
    let actions: Vec<ActionInfo> = actions_from_service(&service)
        .into_iter()
        .map(|action| match rate_limit {
            Some(limit) if action.name == "DescribeVpcs" => action.rate_limit_per_second(limit),
            _ => action,
        })
        .collect();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let handler_seen = Arc::clone(&seen);
    let server = MockServer::builder()
        .service(service.name.clone())
        .version(service.version.clone())
        .actions(actions)
        .credential(demo_credential())
        .handler(move |call: Call| {
            let result = answer(&listing, &handler_seen, &call);
            async move { result }
        })
        .start()
        .await
        .expect("local endpoint starts");
    Local { server, seen }
}

fn client(endpoint: &Local) -> Client {
    client_with(endpoint, RateLimitPolicy::from_spec())
}

fn client_with(endpoint: &Local, rate_limit: RateLimitPolicy) -> Client {
    Client::builder()
        .credentials(demo_credential())
        .region("ap-guangzhou")
        .endpoint(Endpoint::Url(endpoint.server.url()))
        .retry(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(5))
                .with_max_delay(Duration::from_millis(20)),
        )
        .rate_limit(rate_limit)
        .build()
        .expect("client builds")
}

/// Fails the test instead of hanging: a paginator that spins is caught here.
async fn guard<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), future)
        .await
        .expect("the listing did not end")
}

fn ids(count: std::ops::Range<usize>) -> Vec<String> {
    count.map(|i| format!("id-{i}")).collect()
}

async fn vpc_ids(client: &Client, request: DescribeVpcsRequest) -> Vec<String> {
    guard(
        client
            .describe_vpcs_pages(request)
            .items()
            .map(|item| item.expect("every page answers").vpc_id.expect("has an ID"))
            .collect::<Vec<_>>(),
    )
    .await
}

fn text(value: &str) -> Option<Value> {
    Some(Value::String(value.to_owned()))
}

#[tokio::test]
async fn no_items_is_one_call_and_an_empty_stream() {
    let endpoint = start(Listing::of(0), None).await;
    let client = client(&endpoint);
    assert!(
        vpc_ids(&client, DescribeVpcsRequest::new())
            .await
            .is_empty()
    );
    // The documented maximum (100) is the page size when the request has none.
    assert_eq!(endpoint.calls(), [(text("0"), text("100"))]);

    // The answer itself, with its count, is still yielded.
    let pages: Vec<_> = client
        .describe_vpcs_pages(DescribeVpcsRequest::new())
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
    let page = pages.into_iter().next().expect("one").expect("answers");
    assert_eq!(page.total_count, Some(0));
}

#[tokio::test]
async fn one_item_and_exactly_one_page_take_one_call() {
    for items in [1, 100] {
        let endpoint = start(Listing::of(items), None).await;
        let ids_seen = vpc_ids(&client(&endpoint), DescribeVpcsRequest::new()).await;
        assert_eq!(ids_seen, ids(0..items));
        assert_eq!(endpoint.calls().len(), 1, "{items} items");
    }
}

#[tokio::test]
async fn two_hundred_fifty_items_with_limit_100_take_three_calls_with_text_page_fields() {
    let endpoint = start(Listing::of(250), None).await;
    let mut request = DescribeVpcsRequest::new();
    request.limit = Some("100".into());
    assert_eq!(vpc_ids(&client(&endpoint), request).await, ids(0..250));
    // DescribeVpcs declares Offset and Limit as strings: they travel as JSON text.
    assert_eq!(
        endpoint.calls(),
        [
            (text("0"), text("100")),
            (text("100"), text("100")),
            (text("200"), text("100"))
        ]
    );
}

#[tokio::test]
async fn the_listing_starts_at_the_requests_own_offset() {
    let endpoint = start(Listing::of(250), None).await;
    let mut request = DescribeVpcsRequest::new();
    request.offset = Some("120".into());
    assert_eq!(vpc_ids(&client(&endpoint), request).await, ids(120..250));
    assert_eq!(
        endpoint.calls(),
        [(text("120"), text("100")), (text("220"), text("100"))]
    );
}

#[tokio::test]
async fn integer_page_fields_travel_as_numbers() {
    // DescribeAddresses: int64, documented maximum 100.
    let endpoint = start(Listing::of(250), None).await;
    let items: Vec<_> = guard(
        client(&endpoint)
            .describe_addresses_pages(DescribeAddressesRequest::new())
            .items()
            .collect::<Vec<_>>(),
    )
    .await;
    let got: Vec<String> = items
        .into_iter()
        .map(|item| item.expect("answers").address_id.expect("ID"))
        .collect();
    assert_eq!(got, ids(0..250));
    assert_eq!(
        endpoint.calls(),
        [
            (Some(json!(0)), Some(json!(100))),
            (Some(json!(100)), Some(json!(100))),
            (Some(json!(200)), Some(json!(100)))
        ]
    );

    // DescribeCcns: uint64, no documented maximum: the request's Limit, else none at
    // all (the server's default page of 20).
    let endpoint = start(Listing::of(45), None).await;
    let mut request = DescribeCcnsRequest::new();
    request.limit = Some(20);
    let count = guard(
        client(&endpoint)
            .describe_ccns_pages(request)
            .items()
            .count(),
    )
    .await;
    assert_eq!(count, 45);
    assert_eq!(
        endpoint.calls(),
        [
            (Some(json!(0)), Some(json!(20))),
            (Some(json!(20)), Some(json!(20))),
            (Some(json!(40)), Some(json!(20)))
        ]
    );
    let endpoint = start(Listing::of(45), None).await;
    let items: Vec<_> = guard(
        client(&endpoint)
            .describe_ccns_pages(DescribeCcnsRequest::new())
            .items()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(items.len(), 45);
    assert!(items.iter().all(Result::is_ok));
    assert_eq!(
        endpoint.calls(),
        [
            (Some(json!(0)), None),
            (Some(json!(20)), None),
            (Some(json!(40)), None)
        ]
    );
}

#[tokio::test]
async fn a_count_larger_than_the_truth_ends_at_the_first_empty_page() {
    let listing = Listing {
        reported_count: Some(1000),
        ..Listing::of(250)
    };
    let endpoint = start(listing, None).await;
    assert_eq!(
        vpc_ids(&client(&endpoint), DescribeVpcsRequest::new()).await,
        ids(0..250)
    );
    // 100, 100, 50 (short, but the count says more), then the empty page ends it.
    let offsets = endpoint.offsets();
    assert_eq!(offsets, [text("0"), text("100"), text("200"), text("250")]);
}

#[tokio::test]
async fn a_count_that_shrinks_between_pages_ends_the_listing_cleanly() {
    // 250 items at the first call, 150 from the second on (100 were removed).
    let listing = Listing {
        shrink_after: Some((1, 150)),
        ..Listing::of(250)
    };
    let endpoint = start(listing, None).await;
    let got = vpc_ids(&client(&endpoint), DescribeVpcsRequest::new()).await;
    assert_eq!(got, ids(0..150));
    assert_eq!(endpoint.calls().len(), 2);
}

#[tokio::test]
async fn an_action_without_a_count_ends_at_a_short_or_an_empty_page() {
    for (items, calls) in [(250, 3), (200, 3), (0, 1), (99, 1)] {
        let endpoint = start(Listing::of(items), None).await;
        let got: Vec<_> = guard(
            client(&endpoint)
                .describe_traffic_mirrors_pages(DescribeTrafficMirrorsRequest::new())
                .items()
                .collect::<Vec<_>>(),
        )
        .await;
        let got: Vec<String> = got
            .into_iter()
            .map(|item| item.expect("answers").traffic_mirror_id.expect("ID"))
            .collect();
        assert_eq!(got, ids(0..items));
        assert_eq!(endpoint.calls().len(), calls, "{items} items");
    }
}

#[tokio::test]
async fn a_page_that_fails_after_its_retries_ends_the_stream_after_every_item_before_it() {
    let listing = Listing {
        fail_at: Some((100, usize::MAX)),
        ..Listing::of(250)
    };
    let endpoint = start(listing, None).await;
    let client = client(&endpoint);
    let mut items = client
        .describe_vpcs_pages(DescribeVpcsRequest::new())
        .items();
    let mut received = Vec::new();
    let error = loop {
        match guard(items.next()).await {
            Some(Ok(vpc)) => received.push(vpc.vpc_id.expect("ID")),
            Some(Err(error)) => break error,
            None => panic!("the stream ended without the page's error"),
        }
    };
    assert_eq!(received, ids(0..100));
    assert!(
        guard(items.next()).await.is_none(),
        "the error is the last element"
    );
    // InternalError is retried (as many attempts as the default policy allows), then
    // surfaces as the last attempt's error.
    let attempts = RetryPolicy::default().max_attempts();
    let Error::Exhausted(gave_up) = &error else {
        panic!("expected the retries to run out: {error:?}")
    };
    assert_eq!(gave_up.attempts, attempts);
    assert!(
        matches!(
            error.service(),
            Some(DescribeVpcsError::Common(CommonError::InternalError(service)))
                if service.message == "the page could not be read"
        ),
        "{error:?}"
    );
    let offsets = endpoint.offsets();
    let mut expected = vec![text("0")];
    expected.extend((0..attempts).map(|_| text("100")));
    assert_eq!(offsets, expected);
    assert_eq!(items.pages_received(), 2);
}

#[tokio::test]
async fn a_page_that_fails_once_is_retried_and_the_listing_completes() {
    let listing = Listing {
        fail_at: Some((100, 1)),
        ..Listing::of(250)
    };
    let endpoint = start(listing, None).await;
    assert_eq!(
        vpc_ids(&client(&endpoint), DescribeVpcsRequest::new()).await,
        ids(0..250)
    );
    let offsets = endpoint.offsets();
    assert_eq!(offsets, [text("0"), text("100"), text("100"), text("200")]);
}

#[tokio::test]
async fn a_page_field_that_is_not_a_number_fails_before_anything_is_sent() {
    let endpoint = start(Listing::of(10), None).await;
    let mut request = DescribeVpcsRequest::new();
    request.offset = Some("ten".into());
    let results: Vec<_> = guard(
        client(&endpoint)
            .describe_vpcs_pages(request)
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 1);
    let Some(Err(Error::Request(message))) = results.into_iter().next() else {
        panic!("expected a request error")
    };
    assert_eq!(
        message,
        "cannot page DescribeVpcs: its Offset `ten` is not a non-negative integer"
    );
    assert_eq!(endpoint.server.requests_received(), 0);
}

/// 1,000 items, 20 per page, against an endpoint that refuses more than 20 requests per
/// second: the client's limiter paces the 50 pages, so the endpoint never throttles.
#[tokio::test]
async fn the_rate_limit_holds_over_a_1000_item_listing() {
    let endpoint = start(Listing::of(1000), Some(20)).await;
    let client = client_with(
        &endpoint,
        RateLimitPolicy::from_spec().with_limit("DescribeVpcs", 20.0),
    );
    let mut request = DescribeVpcsRequest::new();
    request.limit = Some("20".into());
    let started = std::time::Instant::now();
    let got = guard(
        client
            .describe_vpcs_pages(request)
            .items()
            .map(|item| item.expect("no page is throttled").vpc_id.expect("ID"))
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(got, ids(0..1000));
    // Every request the endpoint received reached the handler: none was answered
    // RequestLimitExceeded (a throttled request is counted but never handled).
    assert_eq!(endpoint.calls().len(), 50);
    assert_eq!(endpoint.server.requests_received(), 50);
    println!(
        "1,000 items in 50 pages at 20 pages/s: {:.2} s",
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test]
async fn pages_and_items_say_where_they_are_without_secrets() {
    let endpoint = start(Listing::of(5), None).await;
    let pages = client(&endpoint).describe_vpcs_pages(DescribeVpcsRequest::new());
    let debug = format!("{pages:?}");
    assert!(
        debug.contains("DescribeVpcs") && debug.contains("offset 0"),
        "{debug}"
    );
    assert!(!debug.contains(vpc_mock::DEMO_SECRET_KEY), "{debug}");
    let mut items = pages.items();
    assert_eq!(items.size_hint(), (0, None));
    let first = guard(items.next())
        .await
        .expect("an item")
        .expect("answers");
    assert_eq!(first.vpc_id.as_deref(), Some("id-0"));
    assert_eq!(items.size_hint(), (4, Some(4)), "the rest of the only page");
}

#[tokio::test]
async fn a_listing_runs_on_a_task_of_its_own() {
    let endpoint = start(Listing::of(150), None).await;
    let items = client(&endpoint)
        .describe_vpcs_pages(DescribeVpcsRequest::new())
        .items();
    // `Items` (and `Pages`) are `Send + 'static`: they own a clone of the client.
    let count = guard(tokio::spawn(items.count()))
        .await
        .expect("the task ends");
    assert_eq!(count, 150);
}
