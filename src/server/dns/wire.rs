//! One DNS query sent straight to a nameserver (UDP, then TCP when the answer is truncated),
//! written by hand so no recursion is requested and the answer is checked against the question.

use super::*;

/// One query to one server, without recursion: UDP, then TCP when the answer is truncated.
pub(super) async fn exchange(
    server: SocketAddr,
    qname: &Name,
    rtype: RecordType,
    timeout: Duration,
) -> Result<Message, String> {
    let id: u16 = rand::random();
    let mut query = Message::new();
    query
        .set_id(id)
        .set_message_type(MessageType::Query)
        .set_op_code(OpCode::Query)
        .set_recursion_desired(false)
        .add_query(Query::query(qname.clone(), rtype));
    let mut edns = Edns::new();
    edns.set_max_payload(EDNS_PAYLOAD);
    query.set_edns(edns);
    let bytes = query
        .to_vec()
        .map_err(|e| format!("Could not encode the query: {e}"))?;
    let late = || format!("{server} did not answer within {}.", seconds(timeout));
    let answer = tokio::time::timeout(timeout, exchange_udp(server, &bytes, id, qname, rtype))
        .await
        .map_err(|_| late())??;
    if !answer.truncated() {
        return Ok(answer);
    }
    tokio::time::timeout(timeout, exchange_tcp(server, &bytes, id, qname, rtype))
        .await
        .map_err(|_| late())?
}

/// Whether `answer` is the answer to our query (and not a stray or spoofed datagram).
fn answers(answer: &Message, id: u16, qname: &Name, rtype: RecordType) -> bool {
    answer.id() == id
        && answer.message_type() == MessageType::Response
        && answer
            .queries()
            .first()
            .is_some_and(|q| q.name() == qname && q.query_type() == rtype)
}

async fn exchange_udp(
    server: SocketAddr,
    bytes: &[u8],
    id: u16,
    qname: &Name,
    rtype: RecordType,
) -> Result<Message, String> {
    let local: SocketAddr = if server.is_ipv4() {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let io = |e: std::io::Error| format!("Could not query {server}: {e}");
    let socket = tokio::net::UdpSocket::bind(local).await.map_err(io)?;
    socket.connect(server).await.map_err(io)?;
    socket.send(bytes).await.map_err(io)?;
    let mut buf = vec![0u8; 65_535];
    loop {
        let n = socket.recv(&mut buf).await.map_err(io)?;
        if let Ok(answer) = Message::from_vec(&buf[..n]) {
            if answers(&answer, id, qname, rtype) {
                return Ok(answer);
            }
        }
    }
}

async fn exchange_tcp(
    server: SocketAddr,
    bytes: &[u8],
    id: u16,
    qname: &Name,
    rtype: RecordType,
) -> Result<Message, String> {
    let io = |e: std::io::Error| format!("Could not query {server} over TCP: {e}");
    let len = u16::try_from(bytes.len()).map_err(|_| "The query is too long.".to_string())?;
    let mut stream = tokio::net::TcpStream::connect(server).await.map_err(io)?;
    let mut framed = Vec::with_capacity(bytes.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(bytes);
    stream.write_all(&framed).await.map_err(io)?;
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await.map_err(io)?;
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut buf).await.map_err(io)?;
    let answer = Message::from_vec(&buf)
        .map_err(|e| format!("{server} sent an answer we could not read: {e}"))?;
    if answers(&answer, id, qname, rtype) {
        Ok(answer)
    } else {
        Err(format!("{server} answered a different question."))
    }
}
