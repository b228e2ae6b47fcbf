// A small authoritative DNS server on 127.0.0.1 (UDP and TCP on one ephemeral port) whose TXT
// and CNAME records the test changes while Portico is running, built on dns2.
//
//   const dns = await startDnsServer({ zones: ['acme-e2e.test'] });
//   startPortico({ env: { PORTICO_DNS_SERVERS: `127.0.0.1:${dns.port}` } });
//   dns.setTxt('_portico-challenge.acme-e2e.test', ['portico-verification=…']);
//   dns.remove('_portico-challenge.acme-e2e.test');
//
// Names with TXT records answer them; a zone's apex answers SOA and NS (`ns1.<zone>`, which
// answers A 127.0.0.1, so Portico's "ask the authoritative servers" path lands here too on
// the same port); a name that exists
// (a zone, a record, or a name above a record) answers other types with no data; any other
// name is NXDOMAIN. Every answer is authoritative, with the zone's SOA where RFC 2308 wants it.
import dns2 from 'dns2';

const { Packet } = dns2;
const TTL = 5;

const normalize = (name) => String(name).toLowerCase().replace(/\.$/, '');

export async function startDnsServer({ zones = [] } = {}) {
  const txt = new Map();
  const cnames = new Map();
  const zoneSet = new Set(zones.map(normalize));
  const queries = [];

  /** The configured zone holding `name`, if any. */
  const zoneOf = (name) => [...zoneSet].filter((z) => name === z || name.endsWith(`.${z}`))
    .sort((a, b) => b.length - a.length)[0];
  /** Whether the name exists: a zone, a TXT owner, or an empty non-terminal above one. */
  const nameServer = (name) => [...zoneSet].some((z) => name === `ns1.${z}`);
  const exists = (name) => zoneSet.has(name) || nameServer(name) || cnames.has(name)
    || [...txt.keys()].some((owner) => owner === name || owner.endsWith(`.${name}`));
  const soa = (zone) => ({
    name: zone, type: Packet.TYPE.SOA, class: Packet.CLASS.IN, ttl: TTL,
    primary: `ns1.${zone}`, admin: `hostmaster.${zone}`,
    serial: 1, refresh: 3600, retry: 600, expiration: 86400, minimum: TTL,
  });

  function handle(request, send) {
    const response = Packet.createResponseFromRequest(request);
    response.header.aa = 1;
    response.header.ra = 1;
    const [question] = request.questions;
    if (!question) {
      response.header.rcode = Packet.RCODE.FORMERR;
      send(response);
      return;
    }
    const name = normalize(question.name);
    queries.push({ name, type: question.type });
    const zone = zoneOf(name);
    if (!exists(name)) {
      response.header.rcode = Packet.RCODE.NXDOMAIN;
      if (zone) response.authorities.push(soa(zone));
      send(response);
      return;
    }
    const base = { name: question.name, class: Packet.CLASS.IN, ttl: TTL };
    if (cnames.has(name)) {
      // An alias answers every type with itself; the resolver follows it.
      response.answers.push({ ...base, type: Packet.TYPE.CNAME, domain: cnames.get(name) });
    } else if (question.type === Packet.TYPE.TXT && txt.has(name)) {
      for (const value of txt.get(name)) response.answers.push({ ...base, type: Packet.TYPE.TXT, data: value });
    } else if (question.type === Packet.TYPE.SOA && zoneSet.has(name)) {
      response.answers.push({ ...soa(name), name: question.name });
    } else if (question.type === Packet.TYPE.NS && zoneSet.has(name)) {
      response.answers.push({ ...base, type: Packet.TYPE.NS, ns: `ns1.${name}` });
      response.additionals.push({ name: `ns1.${name}`, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: TTL, address: '127.0.0.1' });
    } else if (question.type === Packet.TYPE.A && nameServer(name)) {
      response.answers.push({ ...base, type: Packet.TYPE.A, address: '127.0.0.1' });
    } else if (zone) {
      response.authorities.push(soa(zone));
    }
    send(response);
  }

  // UDP first on an ephemeral port, then TCP on the same number; retry if TCP finds it taken.
  let server;
  let port;
  for (let attempt = 0; ; attempt += 1) {
    server = dns2.createServer({ udp: true, tcp: true, handle });
    server.on('requestError', () => { /* a malformed query: dns2 already answers or drops it */ });
    await server.servers.udp.listen(0, '127.0.0.1');
    port = server.servers.udp.address().port;
    const tcpError = await new Promise((resolve) => {
      server.servers.tcp.once('error', resolve);
      server.servers.tcp.listen(port, '127.0.0.1', () => resolve(null));
    });
    if (!tcpError) break;
    server.servers.udp.close();
    if (attempt >= 5) throw new Error(`DNS test server: no free TCP port: ${tcpError.message}`);
  }

  return {
    port,
    address: `127.0.0.1:${port}`,
    /** Replaces the TXT record set at `name` (one string per record). */
    setTxt(name, values) {
      txt.set(normalize(name), [...values]);
    },
    /** Makes `name` a CNAME for `target`. */
    setCname(name, target) {
      cnames.set(normalize(name), normalize(target));
    },
    /** Deletes every record at `name`, which becomes NXDOMAIN unless something exists below it. */
    remove(name) {
      txt.delete(normalize(name));
      cnames.delete(normalize(name));
    },
    /** The questions asked so far, as `{ name, type }`. */
    queries: () => [...queries],
    close: () => server.close(),
  };
}
