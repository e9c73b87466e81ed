#!/usr/bin/env python3
"""fediverse-pasture's verify_actor app over HTTPS on a test address.

    pasture_verify.py --domain v.test --listen 127.0.0.7:443 --cert v.test.pem --key v.test.key \
                      --dir WORKDIR/v.test [--timeout 20]

fediverse-pasture 0.2.25 (installed by setup.sh into .tools/venv) has a command line that binds
0.0.0.0 without TLS, and its get_app() factory calls build_app() with one argument too few; so
this builds the app itself with build_app(only_generate_config=False, domain, https=True,
timeout) and serves it with uvicorn and the given certificate. The app's actors are then
https://DOMAIN/alice, /bob, /claire, /dean, /emily, /frank and the application actor /actor.
The actors' RSA keys are generated on the first start into DIR/data.toml (the app reads and
writes data.toml in the current directory) and reused after; bovine keeps its JSON-LD context
cache in DIR/bovine_jsonld_cache.sqlite.

To verify an actor: POST / with the form field actor_uri (an https URL or acct:user@host) and
`Accept: application/json`; the answer is {"result": {NAME: {"get_actor", "post_inbox"}, ...,
"webfinger": bool}, "messages": "<JSON text: the app's event log>"}. It logs (debug) on stdout.
"""
import argparse
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domain", required=True, help="host name the actors live on, e.g. v.test")
    ap.add_argument("--listen", required=True, help="IP:PORT")
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--dir", required=True, help="where data.toml (the actors' keys) is kept")
    ap.add_argument("--timeout", type=float, default=20, help="seconds per request it makes")
    args = ap.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    # Importing bovine creates bovine_jsonld_cache.sqlite in the current directory.
    os.chdir(args.dir)
    import uvicorn
    from fediverse_pasture.verify_actor import build_app

    app = build_app(False, args.domain, True, args.timeout)
    host, port = args.listen.rsplit(":", 1)
    print(f"pasture verify_actor https://{args.domain} on {args.listen}", flush=True)
    uvicorn.run(app, host=host, port=int(port), ssl_certfile=args.cert, ssl_keyfile=args.key,
                log_level="info", timeout_graceful_shutdown=2)


if __name__ == "__main__":
    main()
