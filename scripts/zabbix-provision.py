#!/usr/bin/env python3
"""Provision a Zabbix 6.0 server with the simulated estate, through its JSON-RPC API.

Reads the JSON written by `opswall sim export zabbix-hosts`:

    {"groups": ["核心征管", ...],
     "hosts": [{"host": "hx-app01", "name": "核心征管应用服务器1", "groups": ["核心征管"],
                "items": [{"key": "system.cpu.util[,user]", "name": "用户态CPU使用率", "units": "%"}],
                "triggers": [{"description": "...", "expression": "last(/hx-app01/...)>90",
                              "priority": 4}]}]}

and creates the host groups, the hosts, every item as a trapper item (float,
filled later with zabbix_sender) and every trigger, in batches. Hosts of the
same name are deleted first, so it can run again. It disables the built-in
"Zabbix server" host (no agent runs, so it would only raise problems of its
own). Then it creates an API token for Admin and writes it to --token-out.

Standard library only. Any API error ends it with a non-zero exit and the
API's message.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request

BATCH = 500


class ApiError(Exception):
    pass


class Zabbix:
    def __init__(self, url):
        self.url = url
        self.auth = None
        self.calls = 0

    def call(self, method, params):
        body = {"jsonrpc": "2.0", "method": method, "params": params, "id": self.calls + 1}
        if self.auth is not None:
            body["auth"] = self.auth  # Zabbix 6.0: session or API token in the body
        req = urllib.request.Request(
            self.url, json.dumps(body, ensure_ascii=False).encode("utf-8"),
            {"Content-Type": "application/json-rpc"})
        self.calls += 1
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                raw = r.read()
        except urllib.error.HTTPError as e:
            raise ApiError("%s: HTTP %s: %s" % (method, e.code, e.read()[:2000].decode("utf-8", "replace")))
        except urllib.error.URLError as e:
            raise ApiError("%s: %s" % (method, e.reason))
        try:
            d = json.loads(raw)
        except ValueError:
            raise ApiError("%s: not JSON: %s" % (method, raw[:2000].decode("utf-8", "replace")))
        if "error" in d:
            e = d["error"]
            raise ApiError("%s: %s %s (code %s)" % (method, e.get("message"), e.get("data"), e.get("code")))
        return d["result"]

    def batched(self, method, objs, key):
        ids = []
        for i in range(0, len(objs), BATCH):
            ids += self.call(method, objs[i:i + BATCH])[key]
        return ids


def load_hosts(path):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    hosts = spec.get("hosts")
    if not isinstance(hosts, list) or not hosts:
        raise SystemExit("%s: no hosts" % path)
    groups = list(spec.get("groups") or [])
    for h in hosts:
        for k in ("host", "groups"):
            if not h.get(k):
                raise SystemExit("%s: host %r has no %s" % (path, h.get("host"), k))
        for g in h["groups"]:
            if g not in groups:
                groups.append(g)
    return groups, hosts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="http://HOST:PORT/api_jsonrpc.php")
    ap.add_argument("--hosts", required=True, help="JSON from `opswall sim export zabbix-hosts`")
    ap.add_argument("--token-out", required=True, help="file to write Admin's API token to")
    ap.add_argument("--user", default="Admin")
    ap.add_argument("--password", default="zabbix")
    ap.add_argument("--token-name", default="opswall-tests")
    ap.add_argument("--keep-default-host", action="store_true",
                    help='leave the built-in "Zabbix server" host enabled')
    a = ap.parse_args()

    t0 = time.monotonic()
    groups, hosts = load_hosts(a.hosts)
    z = Zabbix(a.url)
    z.auth = z.call("user.login", {"username": a.user, "password": a.password})

    # Host groups: reuse those that exist.
    have = {g["name"]: g["groupid"] for g in
            z.call("hostgroup.get", {"output": ["groupid", "name"], "filter": {"name": groups}})}
    new = [g for g in groups if g not in have]
    if new:
        for name, gid in zip(new, z.batched("hostgroup.create", [{"name": g} for g in new], "groupids")):
            have[name] = gid
    gids = have

    # Hosts: replace any of the same name.
    names = [h["host"] for h in hosts]
    old = z.call("host.get", {"output": ["hostid"], "filter": {"host": names}})
    if old:
        z.call("host.delete", [h["hostid"] for h in old])
    hids = z.batched("host.create", [{
        "host": h["host"],
        "name": h.get("name") or h["host"],
        "groups": [{"groupid": gids[g]} for g in h["groups"]],
    } for h in hosts], "hostids")

    items = []
    for h, hid in zip(hosts, hids):
        for it in h.get("items") or []:
            items.append({
                "hostid": hid,
                "name": it.get("name") or it["key"],
                "key_": it["key"],
                "type": 2,          # Zabbix trapper
                "value_type": 0,    # numeric float
                "units": it.get("units", ""),
                "history": "7d",
                "trends": "30d",
            })
    item_ids = z.batched("item.create", items, "itemids") if items else []

    triggers = []
    for h in hosts:
        for t in h.get("triggers") or []:
            tr = {"description": t["description"], "expression": t["expression"],
                  "priority": int(t.get("priority", 0))}
            for k in ("recovery_expression", "comments", "opdata", "tags", "manual_close"):
                if k in t:
                    tr[k] = t[k]
            if "recovery_expression" in tr:
                tr["recovery_mode"] = 1
            triggers.append(tr)
    trigger_ids = z.batched("trigger.create", triggers, "triggerids") if triggers else []

    disabled = 0
    if not a.keep_default_host:
        builtin = z.call("host.get", {"output": ["hostid", "status"], "filter": {"host": ["Zabbix server"]}})
        todo = [{"hostid": h["hostid"], "status": 1} for h in builtin
                if h["hostid"] not in hids and h["status"] == "0"]
        for h in todo:
            z.call("host.update", h)
        disabled = len(todo)

    # An API token for the tests.
    uid = z.call("user.get", {"output": ["userid"], "filter": {"username": a.user}})[0]["userid"]
    old = z.call("token.get", {"output": ["tokenid"], "userids": [uid], "filter": {"name": a.token_name}})
    if old:
        z.call("token.delete", [t["tokenid"] for t in old])
    tid = z.call("token.create", {"name": a.token_name, "userid": uid})["tokenids"][0]
    token = z.call("token.generate", [tid])[0]["token"]
    with open(a.token_out, "w") as f:
        f.write(token + "\n")

    print("zabbix-provision: %d groups (%d new), %d hosts, %d items, %d triggers, "
          "%d built-in hosts disabled, token %r for %s; %d API calls, %.1f s"
          % (len(groups), len(new), len(hids), len(item_ids), len(trigger_ids), disabled,
             a.token_name, a.user, z.calls, time.monotonic() - t0))


if __name__ == "__main__":
    try:
        main()
    except ApiError as e:
        print("zabbix-provision: API error: %s" % e, file=sys.stderr)
        sys.exit(1)
