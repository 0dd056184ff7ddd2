"""Sign requests with botocore's SigV4 signer for sigrun's cross-check.

stdin: JSON list of {method, url, headers: [[name, value]...], body_hex,
service, region, access_key, secret_key, token, timestamp (YYYYmmddTHHMMSSZ)}.
stdout: JSON list of Authorization header values (or {"error": ...}).
"""
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def sign(case):
    ts = datetime.datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ")
    botocore.auth.get_current_datetime = lambda: ts
    creds = Credentials(case["access_key"], case["secret_key"], case.get("token") or None)
    body = bytes.fromhex(case["body_hex"])
    req = AWSRequest(method=case["method"], url=case["url"], data=body)
    for name, value in case["headers"] or []:
        req.headers[name] = value  # HTTPHeaders: appends, keeping order
    cls = botocore.auth.S3SigV4Auth if case["service"] == "s3" else botocore.auth.SigV4Auth
    cls(creds, case["service"], case["region"]).add_auth(req)
    return req.headers["Authorization"]


def main():
    cases = json.load(sys.stdin)
    out = []
    for c in cases:
        try:
            out.append(sign(c))
        except Exception as e:  # report, don't hide
            out.append({"error": repr(e)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
