//! A DNS server for tests, in-process on 127.0.0.1 (UDP and TCP on one ephemeral port), whose
//! records the test changes while it runs. It answers like an authoritative server for every
//! name: NXDOMAIN for unknown names, NOERROR with no answers for names that exist with other
//! types (or only have names below them), an SOA in the authority section of negative answers
//! (so a resolver would cache them, as real ones do), and TC over UDP when an answer is too large.
//!
//! Include it with `#[path = "../support/dns_server.rs"] mod dns_server;`.
#![allow(dead_code)]

use hickory_resolver::proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA, NS, SOA, TXT};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

/// TTL of every record and of negative answers: long, so a cache that keeps them is noticed.
const TTL: u32 = 300;

/// How the server treats queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Answers from its records.
    Normal,
    /// Answers SERVFAIL to everything.
    ServFail,
    /// Drops every query (counted, never answered).
    Timeout,
}

#[derive(Default)]
struct Node {
    txt: Vec<Vec<String>>,
    a: Vec<Ipv4Addr>,
    aaaa: Vec<Ipv6Addr>,
    ns: Vec<String>,
    /// A CNAME's target; other data at the name is then ignored, as in real DNS.
    cname: Option<String>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.txt.is_empty()
            && self.a.is_empty()
            && self.aaaa.is_empty()
            && self.ns.is_empty()
            && self.cname.is_none()
    }
}

#[derive(Default)]
struct Zone {
    nodes: HashMap<String, Node>,
    /// How many names lie below each name, so empty non-terminals (`acme.test` when only
    /// `_portico-challenge.acme.test` has records) exist, as in real DNS.
    below: HashMap<String, usize>,
}

impl Zone {
    fn node(&mut self, name: &str) -> &mut Node {
        if !self.nodes.contains_key(name) {
            for parent in parents(name) {
                *self.below.entry(parent.to_owned()).or_default() += 1;
            }
        }
        self.nodes.entry(name.to_owned()).or_default()
    }

    fn remove(&mut self, name: &str) {
        if self.nodes.remove(name).is_some() {
            for parent in parents(name) {
                if let Some(n) = self.below.get_mut(parent) {
                    *n -= 1;
                    if *n == 0 {
                        self.below.remove(parent);
                    }
                }
            }
        }
    }

    fn exists(&self, name: &str) -> bool {
        self.nodes.contains_key(name) || self.below.contains_key(name)
    }
}

fn parents(name: &str) -> impl Iterator<Item = &str> {
    name.match_indices('.').map(move |(i, _)| &name[i + 1..])
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

struct Shared {
    zone: Mutex<Zone>,
    mode: AtomicU8,
    queries: AtomicU64,
    /// (second since start, queries in it, the most in any second).
    per_second: Mutex<(u64, u64, u64)>,
    started: Instant,
}

impl Shared {
    fn count(&self) {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let second = self.started.elapsed().as_secs();
        let mut s = self.per_second.lock().unwrap();
        if s.0 != second {
            *s = (second, 0, s.2);
        }
        s.1 += 1;
        s.2 = s.2.max(s.1);
    }

    fn mode(&self) -> Mode {
        match self.mode.load(Ordering::SeqCst) {
            1 => Mode::ServFail,
            2 => Mode::Timeout,
            _ => Mode::Normal,
        }
    }
}

/// A running test DNS server; stops when dropped.
pub struct TestDns {
    addr: SocketAddr,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for TestDns {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl TestDns {
    /// Starts a server with no records on 127.0.0.1 at an ephemeral port (UDP and TCP).
    pub async fn start() -> TestDns {
        // UDP picks the port; TCP must get the same one, which another process may hold.
        let (udp, tcp) = 'bind: {
            for _ in 0..20 {
                let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                if let Ok(tcp) = TcpListener::bind(udp.local_addr().unwrap()).await {
                    break 'bind (udp, tcp);
                }
            }
            panic!("no port free for both UDP and TCP on 127.0.0.1");
        };
        let addr = udp.local_addr().unwrap();
        let shared = Arc::new(Shared {
            zone: Mutex::new(Zone::default()),
            mode: AtomicU8::new(0),
            queries: AtomicU64::new(0),
            per_second: Mutex::new((0, 0, 0)),
            started: Instant::now(),
        });
        let udp_task = tokio::spawn(serve_udp(Arc::new(udp), shared.clone()));
        let tcp_task = tokio::spawn(serve_tcp(tcp, shared.clone()));
        TestDns {
            addr,
            shared,
            tasks: vec![udp_task, tcp_task],
        }
    }

    /// Where it listens (UDP and TCP).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the TXT records at `name`: one entry per record, each with its character-strings.
    pub fn set_txt(&self, name: &str, records: Vec<Vec<String>>) {
        self.shared.zone.lock().unwrap().node(&key(name)).txt = records;
    }

    /// Adds an A record at `name`.
    pub fn set_a(&self, name: &str, ip: Ipv4Addr) {
        self.shared.zone.lock().unwrap().node(&key(name)).a.push(ip);
    }

    /// Makes `name` a CNAME for `target`.
    pub fn set_cname(&self, name: &str, target: &str) {
        self.shared.zone.lock().unwrap().node(&key(name)).cname = Some(key(target));
    }

    /// Delegates `zone` to `ns_host` (adds an NS record) and gives `ns_host` the address
    /// `ns_addr` (A or AAAA).
    pub fn set_ns(&self, zone: &str, ns_host: &str, ns_addr: IpAddr) {
        let mut z = self.shared.zone.lock().unwrap();
        let host = key(ns_host);
        let node = z.node(&key(zone));
        if !node.ns.contains(&host) {
            node.ns.push(host.clone());
        }
        let host_node = z.node(&host);
        match ns_addr {
            IpAddr::V4(v4) if !host_node.a.contains(&v4) => host_node.a.push(v4),
            IpAddr::V6(v6) if !host_node.aaaa.contains(&v6) => host_node.aaaa.push(v6),
            _ => {}
        }
    }

    /// Removes every record at `name`.
    pub fn remove(&self, name: &str) {
        self.shared.zone.lock().unwrap().remove(&key(name));
    }

    /// Changes how queries are treated from now on.
    pub fn set_mode(&self, mode: Mode) {
        let v = match mode {
            Mode::Normal => 0,
            Mode::ServFail => 1,
            Mode::Timeout => 2,
        };
        self.shared.mode.store(v, Ordering::SeqCst);
    }

    /// Queries received so far (UDP and TCP, answered or not).
    pub fn queries(&self) -> u64 {
        self.shared.queries.load(Ordering::Relaxed)
    }

    /// The most queries received within one second (seconds counted from the start).
    pub fn peak_per_second(&self) -> u64 {
        self.shared.per_second.lock().unwrap().2
    }
}

async fn serve_udp(socket: Arc<UdpSocket>, shared: Arc<Shared>) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((n, from)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        shared.count();
        let Ok(query) = Message::from_vec(&buf[..n]) else {
            continue;
        };
        let max = query
            .extensions()
            .as_ref()
            .map_or(512, |e| usize::from(e.max_payload().max(512)));
        let Some(mut reply) = answer(&query, &shared) else {
            continue;
        };
        let mut bytes = reply.to_vec().unwrap();
        if bytes.len() > max {
            reply.take_answers();
            reply.take_name_servers();
            reply.take_additionals();
            reply.set_truncated(true);
            bytes = reply.to_vec().unwrap();
        }
        let _ = socket.send_to(&bytes, from).await;
    }
}

async fn serve_tcp(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            loop {
                let mut len = [0u8; 2];
                if stream.read_exact(&mut len).await.is_err() {
                    return;
                }
                let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
                if stream.read_exact(&mut buf).await.is_err() {
                    return;
                }
                shared.count();
                let Ok(query) = Message::from_vec(&buf) else {
                    return;
                };
                let Some(reply) = answer(&query, &shared) else {
                    continue;
                };
                let bytes = reply.to_vec().unwrap();
                let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
                framed.extend_from_slice(&bytes);
                if stream.write_all(&framed).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// The reply to a query, or `None` to drop it.
fn answer(query: &Message, shared: &Shared) -> Option<Message> {
    let mode = shared.mode();
    if mode == Mode::Timeout {
        return None;
    }
    let mut reply = Message::new();
    reply
        .set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(OpCode::Query)
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(true)
        .add_queries(query.queries().to_vec());
    if let Some(edns) = query.extensions() {
        let mut ours = edns.clone();
        ours.set_max_payload(1232);
        reply.set_edns(ours);
    }
    let Some(q) = query.queries().first() else {
        reply.set_response_code(ResponseCode::FormErr);
        return Some(reply);
    };
    if mode == Mode::ServFail {
        reply.set_response_code(ResponseCode::ServFail);
        return Some(reply);
    }
    reply.set_authoritative(true);
    let name = q.name().clone();
    let zone = shared.zone.lock().unwrap();
    let k = key(&name.to_ascii());
    let records: Vec<Record> = match zone.nodes.get(&k) {
        None => Vec::new(),
        // A CNAME answers every type but CNAME itself with the alias, followed (inside this
        // zone) by the target's records of the asked type, as a recursive server would.
        Some(node) if node.cname.is_some() => {
            let target = node.cname.clone().unwrap_or_default();
            let target_name =
                Name::from_ascii(format!("{target}.")).unwrap_or_else(|_| Name::root());
            let mut out = vec![Record::from_rdata(
                name.clone(),
                TTL,
                RData::CNAME(hickory_resolver::proto::rr::rdata::CNAME(
                    target_name.clone(),
                )),
            )];
            if q.query_type() != RecordType::CNAME {
                if let Some(t) = zone.nodes.get(&target) {
                    let rec = |data: RData| Record::from_rdata(target_name.clone(), TTL, data);
                    match q.query_type() {
                        RecordType::A => out.extend(t.a.iter().map(|ip| rec(RData::A(A(*ip))))),
                        RecordType::AAAA => {
                            out.extend(t.aaaa.iter().map(|ip| rec(RData::AAAA(AAAA(*ip)))))
                        }
                        _ => {}
                    }
                }
            }
            out
        }
        Some(node) => {
            let rec = |data: RData| Record::from_rdata(name.clone(), TTL, data);
            match q.query_type() {
                RecordType::TXT => node
                    .txt
                    .iter()
                    .map(|strings| rec(RData::TXT(TXT::new(strings.clone()))))
                    .collect(),
                RecordType::A => node.a.iter().map(|ip| rec(RData::A(A(*ip)))).collect(),
                RecordType::AAAA => node
                    .aaaa
                    .iter()
                    .map(|ip| rec(RData::AAAA(AAAA(*ip))))
                    .collect(),
                RecordType::NS => node
                    .ns
                    .iter()
                    .filter_map(|h| Name::from_ascii(format!("{h}.")).ok())
                    .map(|h| rec(RData::NS(NS(h))))
                    .collect(),
                _ => Vec::new(),
            }
        }
    };
    if !records.is_empty() {
        reply.add_answers(records);
        return Some(reply);
    }
    if !zone.exists(&k) {
        reply.set_response_code(ResponseCode::NXDomain);
    }
    // The SOA of the top-level label stands in for the zone's.
    let apex = k.rsplit('.').next().unwrap_or("test");
    let apex = Name::from_ascii(format!("{apex}.")).unwrap_or_else(|_| Name::root());
    let soa = SOA::new(
        Name::from_ascii("ns.test.").unwrap(),
        Name::from_ascii("hostmaster.test.").unwrap(),
        1,
        3600,
        600,
        86_400,
        TTL,
    );
    reply.add_name_server(Record::from_rdata(apex, TTL, RData::SOA(soa)));
    Some(reply)
}
