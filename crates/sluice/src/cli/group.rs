//! `sluice group list|describe`: consumer groups over ListGroups, DescribeGroups, OffsetFetch and
//! ListOffsets, in the manner of `kafka-consumer-groups.sh`. It owns the consumer-protocol
//! assignment decoder (pure over `&[u8]`), the committed-offset/lag table and its rendering. It
//! talks to the bootstrap broker only (Sluice is its own group coordinator) and leaves framing
//! and version negotiation to `conn`.

use super::conn::Connection;
use super::error::{check_code, cli_error, kafka_error, Result};
use super::metadata::{topic_name, TIMESTAMP_LATEST};
use super::GroupCmd;
use kafka_protocol::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use kafka_protocol::messages::list_offsets_request::{ListOffsetsPartition, ListOffsetsTopic};
use kafka_protocol::messages::offset_fetch_request::OffsetFetchRequestGroup;
use kafka_protocol::messages::{
    BrokerId, DescribeGroupsRequest, GroupId, ListGroupsRequest, ListOffsetsRequest,
    OffsetFetchRequest, OffsetFetchResponse,
};
use kafka_protocol::protocol::StrBytes;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

const LIST_GROUPS_VERSION_MAX: i16 = 5;
const DESCRIBE_GROUPS_VERSION_MAX: i16 = 5;
const OFFSET_FETCH_VERSION_MAX: i16 = 8;
const LIST_OFFSETS_VERSION_MAX: i16 = 7;
/// First ListGroups version with `states_filter` and `group_state`.
const LIST_GROUPS_STATES_VERSION_MIN: i16 = 4;
/// First OffsetFetch version where `topics = null` means "every committed offset".
const OFFSET_FETCH_ALL_TOPICS_VERSION_MIN: i16 = 2;
/// First OffsetFetch version that takes a `groups` array instead of one `group_id`.
const OFFSET_FETCH_GROUPS_VERSION_MIN: i16 = 8;
const GROUP_ID_NOT_FOUND: i16 = 69;
/// OffsetFetch's committed offset for a partition the group never committed.
const OFFSET_UNCOMMITTED: i64 = -1;
/// The state DescribeGroups reports for a group the coordinator does not know.
const STATE_DEAD: &str = "Dead";
/// Protocol type of groups whose assignments use the consumer protocol.
const PROTOCOL_TYPE_CONSUMER: &str = "consumer";
/// Newest ConsumerProtocolAssignment version whose layout this decoder knows; newer versions
/// only append fields, so they are read with this layout (as Kafka's own `ConsumerProtocol` does).
const ASSIGNMENT_VERSION_KNOWN_MAX: i16 = 3;
/// Group states as Kafka spells them (classic and KIP-848 groups).
const GROUP_STATES: &[&str] = &[
    "Stable",
    "PreparingRebalance",
    "CompletingRebalance",
    "Empty",
    "Dead",
    "Assigning",
    "Reconciling",
    "Unknown",
];

pub async fn run(cmd: GroupCmd) -> Result<()> {
    match cmd {
        GroupCmd::List { states, connect } => {
            let mut conn = Connection::connect(&connect.bootstrap).await?;
            list(&mut conn, &connect.bootstrap, &states).await
        }
        GroupCmd::Describe { group, connect } => {
            let mut conn = Connection::connect(&connect.bootstrap).await?;
            describe(&mut conn, &connect.bootstrap, &group).await
        }
    }
}

/// `--state`: a group state in any case, returned in Kafka's spelling (`stable` -> `Stable`).
pub fn parse_state(s: &str) -> std::result::Result<String, String> {
    match GROUP_STATES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(s))
    {
        Some(known) => Ok(known.to_string()),
        None => Err(format!(
            "unknown group state '{s}'; expected one of {}",
            GROUP_STATES.join(", ")
        )),
    }
}

/// Fails unless the broker advertises every API a group command needs.
fn require_group_apis(bootstrap: &str, advertised: &[(&str, bool)]) -> Result<()> {
    let missing: Vec<&str> = advertised
        .iter()
        .filter(|(_, supported)| !supported)
        .map(|(name, _)| *name)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(cli_error!(
        "{bootstrap}: server does not support consumer groups (ApiVersions lacks {})",
        missing.join(", ")
    ))
}

// ---------------------------------------------------------------------------------------------
// list

/// One line of `group list`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListedGroup {
    id: String,
    /// `None` when the server's ListGroups predates states (v3 and older).
    state: Option<String>,
    protocol_type: String,
}

async fn list(conn: &mut Connection, bootstrap: &str, states: &[String]) -> Result<()> {
    require_group_apis(
        bootstrap,
        &[("ListGroups", conn.supports::<ListGroupsRequest>())],
    )?;
    let version = conn.version::<ListGroupsRequest>(LIST_GROUPS_VERSION_MAX)?;
    let mut request = ListGroupsRequest::default();
    if version >= LIST_GROUPS_STATES_VERSION_MIN {
        request.states_filter = states.iter().map(|s| StrBytes::from(s.clone())).collect();
    }
    let response = conn.call(&request, version).await?;
    check_code("ListGroups", response.error_code, None)?;
    let mut groups: Vec<ListedGroup> = response
        .groups
        .iter()
        .map(|g| ListedGroup {
            id: g.group_id.to_string(),
            state: (version >= LIST_GROUPS_STATES_VERSION_MIN).then(|| g.group_state.to_string()),
            protocol_type: g.protocol_type.to_string(),
        })
        .collect();
    if !states.is_empty() && version < LIST_GROUPS_STATES_VERSION_MIN {
        // The server cannot filter: learn each group's state and filter here.
        fill_states(conn, bootstrap, &mut groups).await?;
        groups.retain(|g| state_matches(g.state.as_deref(), states));
    }
    groups.sort_by(|a, b| a.id.cmp(&b.id));
    print!("{}", render_list(&groups));
    Ok(())
}

/// Sets each group's state from one DescribeGroups call.
async fn fill_states(
    conn: &mut Connection,
    bootstrap: &str,
    groups: &mut [ListedGroup],
) -> Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    require_group_apis(
        bootstrap,
        &[("DescribeGroups", conn.supports::<DescribeGroupsRequest>())],
    )?;
    let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    let described = describe_groups(conn, &ids).await?;
    for g in groups.iter_mut() {
        g.state = described
            .iter()
            .find(|d| d.group_id.as_str() == g.id)
            .map(|d| d.group_state.to_string());
    }
    Ok(())
}

fn state_matches(state: Option<&str>, wanted: &[String]) -> bool {
    state.is_some_and(|s| wanted.iter().any(|w| w.eq_ignore_ascii_case(s)))
}

/// `GROUP<TAB>STATE<TAB>PROTOCOL_TYPE` per group; unknown or empty fields print as `-`.
fn render_list(groups: &[ListedGroup]) -> String {
    let mut out = String::new();
    for g in groups {
        let state = dash_if_empty(g.state.as_deref().unwrap_or(""));
        let protocol_type = dash_if_empty(&g.protocol_type);
        out += &format!("{}\t{state}\t{protocol_type}\n", g.id);
    }
    out
}

fn dash_if_empty(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------------
// describe

/// A partition of a topic; orders by topic, then partition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct TopicPartition {
    topic: String,
    partition: i32,
}

/// A group as DescribeGroups reports it, with member assignments decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct GroupSummary {
    id: String,
    state: String,
    protocol_type: String,
    /// The chosen assignor, e.g. `range`.
    protocol: String,
    error_code: i16,
    members: Vec<Member>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    id: String,
    instance_id: Option<String>,
    client_id: String,
    host: String,
    /// The assigned partitions, or why they cannot be shown.
    assignment: std::result::Result<Vec<TopicPartition>, String>,
}

async fn describe(conn: &mut Connection, bootstrap: &str, group: &str) -> Result<()> {
    require_group_apis(
        bootstrap,
        &[
            ("DescribeGroups", conn.supports::<DescribeGroupsRequest>()),
            ("OffsetFetch", conn.supports::<OffsetFetchRequest>()),
        ],
    )?;
    let summary = describe_group(conn, group).await?;
    let committed = committed_offsets(conn, group).await?;
    if !group_exists(&summary, &committed) {
        return Err(cli_error!("group '{group}' does not exist"));
    }
    let assigned = summary
        .members
        .iter()
        .filter_map(|m| m.assignment.as_ref().ok())
        .flatten();
    let partitions: BTreeSet<TopicPartition> = committed.keys().chain(assigned).cloned().collect();
    let log_ends = log_end_offsets(conn, &partitions).await?;
    let rows = offset_rows(&summary.members, &committed, &log_ends);
    print!("{}", render_description(&summary, &rows));
    Ok(())
}

/// A coordinator answers for unknown groups with state Dead (or GROUP_ID_NOT_FOUND), no members,
/// and no committed offsets.
fn group_exists(summary: &GroupSummary, committed: &BTreeMap<TopicPartition, i64>) -> bool {
    let unknown = summary.state == STATE_DEAD || summary.error_code == GROUP_ID_NOT_FOUND;
    !(unknown && summary.members.is_empty() && committed.is_empty())
}

async fn describe_groups(conn: &mut Connection, ids: &[&str]) -> Result<Vec<DescribedGroup>> {
    let version = conn.version::<DescribeGroupsRequest>(DESCRIBE_GROUPS_VERSION_MAX)?;
    let groups = ids.iter().map(|id| GroupId(StrBytes::from(id.to_string())));
    let request = DescribeGroupsRequest::default().with_groups(groups.collect());
    Ok(conn.call(&request, version).await?.groups)
}

async fn describe_group(conn: &mut Connection, group: &str) -> Result<GroupSummary> {
    let described = describe_groups(conn, &[group]).await?;
    let Some(found) = described.into_iter().find(|g| g.group_id.as_str() == group) else {
        return Err(cli_error!(
            "group '{group}': not in the DescribeGroups response"
        ));
    };
    if found.error_code != GROUP_ID_NOT_FOUND {
        let message = found.error_message.as_deref();
        check_code(&format!("group '{group}'"), found.error_code, message)?;
    }
    Ok(summarize(found))
}

fn summarize(g: DescribedGroup) -> GroupSummary {
    let protocol_type = g.protocol_type.to_string();
    let mut members: Vec<Member> = g
        .members
        .iter()
        .map(|m| to_member(m, &protocol_type))
        .collect();
    members.sort_by(|a, b| a.id.cmp(&b.id));
    GroupSummary {
        id: g.group_id.to_string(),
        state: g.group_state.to_string(),
        protocol_type,
        protocol: g.protocol_data.to_string(),
        error_code: g.error_code,
        members,
    }
}

fn to_member(m: &DescribedGroupMember, protocol_type: &str) -> Member {
    let bytes = &m.member_assignment[..];
    let assignment = if protocol_type == PROTOCOL_TYPE_CONSUMER {
        decode_assignment(bytes).map_err(|e| format!("undecodable assignment: {e}"))
    } else {
        Err(format!(
            "{} bytes of '{protocol_type}' protocol data",
            bytes.len()
        ))
    };
    Member {
        id: m.member_id.to_string(),
        instance_id: m.group_instance_id.as_ref().map(|s| s.to_string()),
        client_id: m.client_id.to_string(),
        host: m.client_host.to_string(),
        assignment,
    }
}

/// Every offset the group has committed; partitions without a commit are left out.
async fn committed_offsets(
    conn: &mut Connection,
    group: &str,
) -> Result<BTreeMap<TopicPartition, i64>> {
    let version = conn.version::<OffsetFetchRequest>(OFFSET_FETCH_VERSION_MAX)?;
    if version < OFFSET_FETCH_ALL_TOPICS_VERSION_MIN {
        return Err(cli_error!(
            "the server's OffsetFetch v{version} cannot list all of a group's offsets (needs v2+)"
        ));
    }
    let group_id = GroupId(StrBytes::from(group.to_string()));
    let mut request = OffsetFetchRequest::default();
    if version >= OFFSET_FETCH_GROUPS_VERSION_MIN {
        request.groups = vec![OffsetFetchRequestGroup::default()
            .with_group_id(group_id)
            .with_topics(None)];
    } else {
        request.group_id = group_id;
        request.topics = None;
    }
    let response = conn.call(&request, version).await?;
    offsets_from_response(response, group, version)
}

/// Flattens an OffsetFetch response of either shape (one group before v8, a groups array from
/// v8) into committed offsets, failing on any error but GROUP_ID_NOT_FOUND (no offsets).
fn offsets_from_response(
    response: OffsetFetchResponse,
    group: &str,
    version: i16,
) -> Result<BTreeMap<TopicPartition, i64>> {
    let context = format!("group '{group}' offsets");
    // (topic, partition, committed offset, error code)
    let mut found: Vec<(String, i32, i64, i16)> = Vec::new();
    if version >= OFFSET_FETCH_GROUPS_VERSION_MIN {
        let Some(g) = response
            .groups
            .iter()
            .find(|g| g.group_id.as_str() == group)
        else {
            return Err(cli_error!(
                "group '{group}': not in the OffsetFetch response"
            ));
        };
        if g.error_code == GROUP_ID_NOT_FOUND {
            return Ok(BTreeMap::new());
        }
        check_code(&context, g.error_code, None)?;
        for t in &g.topics {
            for p in &t.partitions {
                let topic = t.name.to_string();
                found.push((topic, p.partition_index, p.committed_offset, p.error_code));
            }
        }
    } else {
        if response.error_code == GROUP_ID_NOT_FOUND {
            return Ok(BTreeMap::new());
        }
        check_code(&context, response.error_code, None)?;
        for t in &response.topics {
            for p in &t.partitions {
                let topic = t.name.to_string();
                found.push((topic, p.partition_index, p.committed_offset, p.error_code));
            }
        }
    }
    let mut committed = BTreeMap::new();
    for (topic, partition, offset, error_code) in found {
        let context = format!("group '{group}' topic '{topic}' partition {partition}");
        check_code(&context, error_code, None)?;
        if offset != OFFSET_UNCOMMITTED {
            committed.insert(TopicPartition { topic, partition }, offset);
        }
    }
    Ok(committed)
}

/// The log end offset of each partition in one ListOffsets call; partitions the server cannot
/// answer for (e.g. a deleted topic) are left out and print as `-`.
async fn log_end_offsets(
    conn: &mut Connection,
    partitions: &BTreeSet<TopicPartition>,
) -> Result<BTreeMap<TopicPartition, i64>> {
    if partitions.is_empty() {
        return Ok(BTreeMap::new());
    }
    let version = conn.version::<ListOffsetsRequest>(LIST_OFFSETS_VERSION_MAX)?;
    let mut by_topic: BTreeMap<&str, Vec<ListOffsetsPartition>> = BTreeMap::new();
    for tp in partitions {
        let wanted = ListOffsetsPartition::default()
            .with_partition_index(tp.partition)
            .with_current_leader_epoch(-1)
            .with_timestamp(TIMESTAMP_LATEST);
        by_topic.entry(&tp.topic).or_default().push(wanted);
    }
    let topics = by_topic.into_iter().map(|(topic, wanted)| {
        ListOffsetsTopic::default()
            .with_name(topic_name(topic))
            .with_partitions(wanted)
    });
    let request = ListOffsetsRequest::default()
        .with_replica_id(BrokerId(-1))
        .with_topics(topics.collect());
    let response = conn.call(&request, version).await?;
    let mut ends = BTreeMap::new();
    for t in &response.topics {
        for p in &t.partitions {
            let tp = TopicPartition {
                topic: t.name.to_string(),
                partition: p.partition_index,
            };
            if p.error_code != 0 {
                let reason = kafka_error("ListOffsets", p.error_code, None);
                let (topic, partition) = (&tp.topic, tp.partition);
                tracing::debug!(%topic, partition, %reason, "no log end offset");
                continue;
            }
            if partitions.contains(&tp) {
                ends.insert(tp, p.offset);
            }
        }
    }
    Ok(ends)
}

/// One line of the offsets table: a partition (committed, assigned, or both), or a member with
/// nothing assigned (`partition: None`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct OffsetRow {
    partition: Option<TopicPartition>,
    committed: Option<i64>,
    log_end: Option<i64>,
    /// The member (id, host, client id) the partition is assigned to.
    owner: Option<(String, String, String)>,
}

/// Lag as `kafka-consumer-groups.sh` computes it: log end minus committed, when both are known.
fn lag(committed: Option<i64>, log_end: Option<i64>) -> Option<i64> {
    Some(log_end? - committed?)
}

/// Rows sorted by topic and partition: every committed or assigned partition, then each member
/// that has no partitions.
fn offset_rows(
    members: &[Member],
    committed: &BTreeMap<TopicPartition, i64>,
    log_ends: &BTreeMap<TopicPartition, i64>,
) -> Vec<OffsetRow> {
    let owner = |m: &Member| (m.id.clone(), m.host.clone(), m.client_id.clone());
    let mut owners: BTreeMap<&TopicPartition, (String, String, String)> = BTreeMap::new();
    for m in members {
        for tp in m.assignment.iter().flatten() {
            owners.insert(tp, owner(m));
        }
    }
    let partitions: BTreeSet<&TopicPartition> =
        committed.keys().chain(owners.keys().copied()).collect();
    let mut rows: Vec<OffsetRow> = partitions
        .into_iter()
        .map(|tp| OffsetRow {
            partition: Some(tp.clone()),
            committed: committed.get(tp).copied(),
            log_end: log_ends.get(tp).copied(),
            owner: owners.get(tp).cloned(),
        })
        .collect();
    let idle = members
        .iter()
        .filter(|m| m.assignment.as_ref().map_or(true, |a| a.is_empty()));
    rows.extend(idle.map(|m| OffsetRow {
        partition: None,
        committed: None,
        log_end: None,
        owner: Some(owner(m)),
    }));
    rows
}

const TABLE_HEADER: [&str; 8] = [
    "TOPIC",
    "PARTITION",
    "CURRENT-OFFSET",
    "LOG-END-OFFSET",
    "LAG",
    "CONSUMER-ID",
    "HOST",
    "CLIENT-ID",
];

fn row_cells(row: &OffsetRow) -> Vec<String> {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
    let (member, host, client) = match &row.owner {
        Some((m, h, c)) => (m.clone(), h.clone(), c.clone()),
        None => ("-".into(), "-".into(), "-".into()),
    };
    vec![
        or_dash(row.partition.as_ref().map(|tp| tp.topic.clone())),
        or_dash(row.partition.as_ref().map(|tp| tp.partition.to_string())),
        or_dash(row.committed.map(|o| o.to_string())),
        or_dash(row.log_end.map(|o| o.to_string())),
        or_dash(lag(row.committed, row.log_end).map(|l| l.to_string())),
        member,
        host,
        client,
    ]
}

/// Left-aligned columns two spaces apart, each as wide as its widest cell; no trailing spaces.
fn render_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out += &line(&mut row.iter().map(String::as_str));
    }
    out
}

/// `topic:0,1 other:2`, or `-` for no partitions.
fn render_assignment(partitions: &[TopicPartition]) -> String {
    let mut by_topic: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for tp in partitions {
        let indexes = by_topic.entry(&tp.topic).or_default();
        indexes.push(tp.partition.to_string());
    }
    if by_topic.is_empty() {
        return "-".to_string();
    }
    let topics: Vec<String> = by_topic
        .into_iter()
        .map(|(topic, indexes)| format!("{topic}:{}", indexes.join(",")))
        .collect();
    topics.join(" ")
}

/// The `describe` text: a group line, one line per member, a blank line, the offsets table.
fn render_description(g: &GroupSummary, rows: &[OffsetRow]) -> String {
    let mut out = format!(
        "Group: {}\tState: {}\tProtocolType: {}\tProtocol: {}\tMembers: {}\n",
        g.id,
        dash_if_empty(&g.state),
        dash_if_empty(&g.protocol_type),
        dash_if_empty(&g.protocol),
        g.members.len()
    );
    for m in &g.members {
        out += &format!("\tMember: {}", m.id);
        if let Some(instance) = &m.instance_id {
            out += &format!("\tInstanceId: {instance}");
        }
        let assignment = match &m.assignment {
            Ok(partitions) => render_assignment(partitions),
            Err(why) => format!("({why})"),
        };
        out += &format!(
            "\tClientId: {}\tHost: {}\tAssignment: {assignment}\n",
            m.client_id, m.host
        );
    }
    let cells: Vec<Vec<String>> = rows.iter().map(row_cells).collect();
    out + "\n" + &render_table(&TABLE_HEADER, &cells)
}

// ---------------------------------------------------------------------------------------------
// ConsumerProtocolAssignment

/// Why assignment bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AssignmentError {
    /// A field runs past the end of the bytes.
    Truncated,
    NegativeVersion(i16),
    /// An array or string length below -1.
    BadLength(i32),
    NullTopicName,
    InvalidUtf8,
}

impl fmt::Display for AssignmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignmentError::Truncated => f.write_str("truncated"),
            AssignmentError::NegativeVersion(v) => write!(f, "negative version {v}"),
            AssignmentError::BadLength(n) => write!(f, "bad length {n}"),
            AssignmentError::NullTopicName => f.write_str("null topic name"),
            AssignmentError::InvalidUtf8 => f.write_str("topic name is not UTF-8"),
        }
    }
}

/// A cursor over assignment bytes; every read checks the remaining length first, so nothing is
/// allocated beyond what the bytes themselves hold.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], AssignmentError> {
        if n > self.bytes.len() {
            return Err(AssignmentError::Truncated);
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    fn i16(&mut self) -> std::result::Result<i16, AssignmentError> {
        let b = self.take(2)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }

    fn i32(&mut self) -> std::result::Result<i32, AssignmentError> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// An array or bytes length: `None` for null (-1).
    fn length(&mut self) -> std::result::Result<Option<usize>, AssignmentError> {
        match self.i32()? {
            -1 => Ok(None),
            n if n < 0 => Err(AssignmentError::BadLength(n)),
            n => Ok(Some(n as usize)),
        }
    }

    fn string(&mut self) -> std::result::Result<String, AssignmentError> {
        let n = match self.i16()? {
            -1 => return Err(AssignmentError::NullTopicName),
            n if n < 0 => return Err(AssignmentError::BadLength(i32::from(n))),
            n => n as usize,
        };
        let raw = self.take(n)?;
        String::from_utf8(raw.to_vec()).map_err(|_| AssignmentError::InvalidUtf8)
    }
}

/// Decodes a ConsumerProtocolAssignment: version i16, then an array of (topic string, array of
/// i32 partitions), then nullable user_data bytes. Versions 0..=3 share this layout; newer ones
/// are read with it too. Empty bytes mean "nothing assigned yet". User data is checked for
/// length and skipped; a missing user_data field is tolerated.
fn decode_assignment(bytes: &[u8]) -> std::result::Result<Vec<TopicPartition>, AssignmentError> {
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let mut r = Reader { bytes };
    let version = r.i16()?;
    if version < 0 {
        return Err(AssignmentError::NegativeVersion(version));
    }
    if version > ASSIGNMENT_VERSION_KNOWN_MAX {
        tracing::debug!(
            version,
            "newer assignment version; reading the fields v3 has"
        );
    }
    let mut assigned = Vec::new();
    let topics_count = r.length()?.unwrap_or(0);
    for _topic in 0..topics_count {
        let topic = r.string()?;
        let partitions_count = r.length()?.unwrap_or(0);
        // Each partition needs 4 bytes: refuse a count the bytes cannot hold before looping.
        if partitions_count > r.bytes.len() / 4 {
            return Err(AssignmentError::Truncated);
        }
        for _partition in 0..partitions_count {
            let partition = r.i32()?;
            let topic = topic.clone();
            assigned.push(TopicPartition { topic, partition });
        }
    }
    if !r.bytes.is_empty() {
        if let Some(user_data_bytes) = r.length()? {
            r.take(user_data_bytes)?;
        }
    }
    // Bytes after user_data belong to fields of versions newer than ASSIGNMENT_VERSION_KNOWN_MAX.
    Ok(assigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(topic: &str, partition: i32) -> TopicPartition {
        TopicPartition {
            topic: topic.to_string(),
            partition,
        }
    }

    /// Encodes a ConsumerProtocolAssignment by hand, independently of the decoder.
    fn assignment_bytes(
        version: i16,
        topics: &[(&str, &[i32])],
        user_data: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend((topics.len() as i32).to_be_bytes());
        for (topic, partitions) in topics {
            b.extend((topic.len() as i16).to_be_bytes());
            b.extend(topic.as_bytes());
            b.extend((partitions.len() as i32).to_be_bytes());
            for p in *partitions {
                b.extend(p.to_be_bytes());
            }
        }
        match user_data {
            Some(data) => {
                b.extend((data.len() as i32).to_be_bytes());
                b.extend(data);
            }
            None => b.extend((-1i32).to_be_bytes()),
        }
        b
    }

    fn member(id: &str, assignment: Vec<TopicPartition>) -> Member {
        Member {
            id: id.to_string(),
            instance_id: None,
            client_id: format!("client-{id}"),
            host: "/127.0.0.1".to_string(),
            assignment: Ok(assignment),
        }
    }

    /// Goal: every layout-sharing version decodes to the same partitions; method: hand-built
    /// bytes at versions 0..=3 with and without user data.
    #[test]
    fn assignment_versions_0_to_3_decode_alike() {
        let topics: &[(&str, &[i32])] = &[("orders", &[0, 2]), ("audit", &[1])];
        let expected = vec![tp("orders", 0), tp("orders", 2), tp("audit", 1)];
        for version in 0..=ASSIGNMENT_VERSION_KNOWN_MAX {
            let with_data = assignment_bytes(version, topics, Some(b"sticky"));
            assert_eq!(decode_assignment(&with_data).unwrap(), expected);
            let null_data = assignment_bytes(version, topics, None);
            assert_eq!(decode_assignment(&null_data).unwrap(), expected);
        }
    }

    /// Goal: an empty, a bare and a newer-version assignment are accepted; method: edge bytes.
    #[test]
    fn assignment_edge_cases_are_tolerated() {
        assert_eq!(decode_assignment(&[]).unwrap(), vec![]);
        let no_topics = assignment_bytes(1, &[], None);
        assert_eq!(decode_assignment(&no_topics).unwrap(), vec![]);
        let mut no_user_data = assignment_bytes(0, &[("t", &[5])], None);
        no_user_data.truncate(no_user_data.len() - 4);
        assert_eq!(decode_assignment(&no_user_data).unwrap(), vec![tp("t", 5)]);
        let mut newer = assignment_bytes(4, &[("t", &[1])], Some(b"x"));
        newer.extend([0, 0, 0, 7]);
        assert_eq!(decode_assignment(&newer).unwrap(), vec![tp("t", 1)]);
    }

    /// Goal: malformed assignments fail cleanly without huge allocations; method: truncate,
    /// lie about counts and versions.
    #[test]
    fn malformed_assignments_are_rejected() {
        let good = assignment_bytes(3, &[("orders", &[0, 1])], Some(b"abc"));
        // Cutting right after the partitions drops only user_data, which is tolerated.
        let user_data_start = good.len() - 4 - 3;
        for cut in (1..good.len()).filter(|&cut| cut != user_data_start) {
            let err = decode_assignment(&good[..cut]).unwrap_err();
            assert_eq!(err, AssignmentError::Truncated, "cut at {cut}");
        }
        let huge_count = [0, 0, 0, 0, 0, 1, 0, 1, b't', 0x7f, 0xff, 0xff, 0xff];
        assert_eq!(
            decode_assignment(&huge_count),
            Err(AssignmentError::Truncated)
        );
        let negative = [0xff, 0xfe, 0, 0, 0, 0];
        assert_eq!(
            decode_assignment(&negative),
            Err(AssignmentError::NegativeVersion(-2))
        );
        let bad_length = [0, 0, 0xff, 0xff, 0xff, 0xf0];
        assert_eq!(
            decode_assignment(&bad_length),
            Err(AssignmentError::BadLength(-16))
        );
        let null_topic = [0, 0, 0, 0, 0, 1, 0xff, 0xff];
        assert_eq!(
            decode_assignment(&null_topic),
            Err(AssignmentError::NullTopicName)
        );
    }

    /// Goal: lag is log end minus committed and unknown when either side is; method: cases.
    #[test]
    fn lag_needs_both_offsets() {
        assert_eq!(lag(Some(3), Some(10)), Some(7));
        assert_eq!(lag(Some(10), Some(10)), Some(0));
        assert_eq!(lag(None, Some(10)), None);
        assert_eq!(lag(Some(3), None), None);
    }

    /// Goal: rows cover committed and assigned partitions in topic/partition order, plus idle
    /// members; method: build rows from a hand-made group.
    #[test]
    fn offset_rows_merge_commits_assignments_and_idle_members() {
        let members = vec![
            member("m1", vec![tp("orders", 1), tp("audit", 0)]),
            member("m2", vec![]),
        ];
        let committed = BTreeMap::from([(tp("orders", 0), 4), (tp("orders", 1), 9)]);
        let ends = BTreeMap::from([
            (tp("orders", 0), 10),
            (tp("orders", 1), 9),
            (tp("audit", 0), 2),
        ]);
        let rows = offset_rows(&members, &committed, &ends);
        let keys: Vec<Option<TopicPartition>> = rows.iter().map(|r| r.partition.clone()).collect();
        let expected = vec![
            Some(tp("audit", 0)),
            Some(tp("orders", 0)),
            Some(tp("orders", 1)),
            None,
        ];
        assert_eq!(keys, expected);
        assert_eq!((rows[0].committed, rows[0].log_end), (None, Some(2)));
        assert_eq!(rows[0].owner.as_ref().map(|o| o.0.as_str()), Some("m1"));
        assert_eq!((rows[1].committed, rows[1].owner.clone()), (Some(4), None));
        assert_eq!(rows[3].owner.as_ref().map(|o| o.0.as_str()), Some("m2"));
    }

    /// Goal: the describe text reads like kafka-consumer-groups.sh; method: render a group with
    /// one consuming member, an unassigned commit and an idle member.
    #[test]
    fn description_renders_members_and_aligned_table() {
        let mut undecodable = member("m3", vec![]);
        undecodable.assignment = Err("undecodable assignment: truncated".to_string());
        let summary = GroupSummary {
            id: "g".into(),
            state: "Stable".into(),
            protocol_type: "consumer".into(),
            protocol: "range".into(),
            error_code: 0,
            members: vec![
                member("m1", vec![tp("orders", 0), tp("orders", 1)]),
                undecodable,
            ],
        };
        let committed = BTreeMap::from([(tp("orders", 0), 5), (tp("gone", 0), 3)]);
        let ends = BTreeMap::from([(tp("orders", 0), 12), (tp("orders", 1), 0)]);
        let rows = offset_rows(&summary.members, &committed, &ends);
        let expected = "Group: g\tState: Stable\tProtocolType: consumer\tProtocol: range\tMembers: 2\n\
            \tMember: m1\tClientId: client-m1\tHost: /127.0.0.1\tAssignment: orders:0,1\n\
            \tMember: m3\tClientId: client-m3\tHost: /127.0.0.1\tAssignment: (undecodable assignment: truncated)\n\
            \n\
            TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST        CLIENT-ID\n\
            gone    0          3               -               -    -            -           -\n\
            orders  0          5               12              7    m1           /127.0.0.1  client-m1\n\
            orders  1          -               0               -    m1           /127.0.0.1  client-m1\n\
            -       -          -               -               -    m3           /127.0.0.1  client-m3\n";
        assert_eq!(render_description(&summary, &rows), expected);
    }

    /// Goal: list lines are tab-separated with `-` for unknown fields; method: render two groups.
    #[test]
    fn list_renders_dashes_for_unknown_fields() {
        let groups = [
            ListedGroup {
                id: "a".into(),
                state: Some("Stable".into()),
                protocol_type: "consumer".into(),
            },
            ListedGroup {
                id: "b".into(),
                state: None,
                protocol_type: String::new(),
            },
        ];
        assert_eq!(render_list(&groups), "a\tStable\tconsumer\nb\t-\t-\n");
        assert!(state_matches(Some("stable"), &["Stable".to_string()]));
        assert!(!state_matches(None, &["Stable".to_string()]));
    }

    /// Goal: an unknown group is told apart from an empty one; method: Dead vs. Empty summaries.
    #[test]
    fn dead_group_without_members_or_offsets_does_not_exist() {
        let mut summary = GroupSummary {
            id: "x".into(),
            state: "Dead".into(),
            protocol_type: String::new(),
            protocol: String::new(),
            error_code: 0,
            members: vec![],
        };
        let none = BTreeMap::new();
        assert!(!group_exists(&summary, &none));
        let some = BTreeMap::from([(tp("t", 0), 1)]);
        assert!(group_exists(&summary, &some));
        summary.state = String::new();
        summary.error_code = GROUP_ID_NOT_FOUND;
        assert!(!group_exists(&summary, &none));
        summary.state = "Empty".into();
        summary.error_code = 0;
        assert!(group_exists(&summary, &none));
    }

    /// Goal: --state values are validated and take Kafka's spelling; method: parse a few.
    #[test]
    fn state_arguments_normalise_case() {
        assert_eq!(parse_state("stable").unwrap(), "Stable");
        assert_eq!(
            parse_state("PREPARINGREBALANCE").unwrap(),
            "PreparingRebalance"
        );
        assert!(parse_state("running").unwrap_err().contains("Stable"));
    }

    /// Goal: both OffsetFetch shapes flatten alike and skip uncommitted partitions; method:
    /// hand-built v7 and v8 responses.
    #[test]
    fn offset_fetch_responses_flatten_in_both_shapes() {
        use kafka_protocol::messages::offset_fetch_response::*;
        let v7 =
            OffsetFetchResponse::default().with_topics(vec![OffsetFetchResponseTopic::default()
                .with_name(topic_name("t"))
                .with_partitions(vec![
                    OffsetFetchResponsePartition::default()
                        .with_partition_index(0)
                        .with_committed_offset(5),
                    OffsetFetchResponsePartition::default()
                        .with_partition_index(1)
                        .with_committed_offset(-1),
                ])]);
        let expected = BTreeMap::from([(tp("t", 0), 5)]);
        assert_eq!(offsets_from_response(v7, "g", 7).unwrap(), expected);
        let group = OffsetFetchResponseGroup::default()
            .with_group_id(GroupId(StrBytes::from_static_str("g")))
            .with_topics(vec![OffsetFetchResponseTopics::default()
                .with_name(topic_name("t"))
                .with_partitions(vec![OffsetFetchResponsePartitions::default()
                    .with_partition_index(0)
                    .with_committed_offset(5)])]);
        let v8 = OffsetFetchResponse::default().with_groups(vec![group.clone()]);
        assert_eq!(offsets_from_response(v8, "g", 8).unwrap(), expected);
        let unknown = OffsetFetchResponse::default()
            .with_groups(vec![group.with_error_code(GROUP_ID_NOT_FOUND)]);
        assert!(offsets_from_response(unknown, "g", 8).unwrap().is_empty());
        let failed = OffsetFetchResponse::default().with_error_code(15);
        let err = offsets_from_response(failed, "g", 7).unwrap_err();
        assert!(err.0.contains("COORDINATOR_NOT_AVAILABLE"), "{err}");
    }
}
