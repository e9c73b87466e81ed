#!/usr/bin/env python3
"""A TLS terminator for the federation tests (Python standard library only).

    tls_proxy.py --listen 127.0.0.2:443 --cert ours.test.pem --key ours.test.key \
                 --upstream 127.0.0.1:3001

Accepts TLS (ALPN http/1.1 only: the upstream speaks plain HTTP/1.1) and copies the raw bytes
both ways to the upstream, which is not told anything: Palisade knows its public https URL from
its configuration. When the upstream is down, the TLS connection is accepted and closed at once
(the client sees the connection end before any HTTP answer). Prints one line when listening.
With --record FILE, every byte a client sends is also appended to FILE (one header line per
connection), so the exact requests peers made (signatures, bodies) can be read afterwards.
"""
import argparse
import asyncio
import ssl
import sys
import time


async def pipe(reader, writer, record=None, label=""):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if record:
                record.write(f"\n===== {label} {time.strftime('%H:%M:%S')} {len(data)} bytes\n".encode())
                record.write(data)
                record.flush()
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.IncompleteReadError, ssl.SSLError):
        pass
    finally:
        try:
            writer.close()
        except Exception:  # noqa: BLE001 - closing a broken transport
            pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True, help="IP:PORT")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the plain HTTP server")
    ap.add_argument("--record", help="append what clients send to this file")
    args = ap.parse_args()
    record = open(args.record, "ab") if args.record else None
    conns = 0
    lhost, lport = args.listen.rsplit(":", 1)
    uhost, uport = args.upstream.rsplit(":", 1)

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    ctx.set_alpn_protocols(["http/1.1"])

    async def handle(creader, cwriter):
        nonlocal conns
        conns += 1
        label = f"connection {conns} from {cwriter.get_extra_info('peername')}"
        try:
            ureader, uwriter = await asyncio.open_connection(uhost, int(uport))
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pipe(creader, uwriter, record, label), pipe(ureader, cwriter))

    server = await asyncio.start_server(handle, lhost, int(lport), ssl=ctx,
                                        ssl_handshake_timeout=10)
    print(f"tls proxy {args.listen} -> {args.upstream}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
