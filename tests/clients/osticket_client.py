#!/usr/bin/env python3
"""A real external osTicket API client, as SIEM integrations write them (standard library only):
posts a ticket the way a Kibana webhook connector does (XML) and the way a Wazuh integration
script does (JSON), and parses each 201 body as an integer, as those clients do.

Usage: osticket_client.py BASE_URL API_KEY   -> prints the two ticket numbers, one per line.
Exits non-zero when an answer is not 201 with a numeric body.
"""

import json
import sys
import urllib.request


def post(url, key, body, content_type):
    request = urllib.request.Request(
        url,
        data=body.encode("utf-8"),
        method="POST",
        headers={"X-API-Key": key, "Content-Type": content_type, "User-Agent": "siem-client/1.0"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 201:
            sys.exit(f"{url}: expected 201, got {response.status}")
        return int(response.read().decode("utf-8").strip())


def main():
    base, key = sys.argv[1].rstrip("/"), sys.argv[2]
    # Kibana's webhook connector: the XML body the user typed, values rendered into it.
    kibana = """<?xml version="1.0" encoding="UTF-8"?>
<ticket alert="true" autorespond="false" source="API">
    <name>Elastic SIEM</name>
    <email>siem@example.org</email>
    <subject>SSH Brute Force Attempt</subject>
    <message type="text/plain"><![CDATA[Alert: SSH Brute Force Attempt
    Source IP: 198.51.100.23 & more]]></message>
</ticket>"""
    first = post(f"{base}/osticket/upload/api/tickets.xml", key, kibana, "application/xml")
    # A Wazuh integration script: json.dumps of the alert's fields.
    wazuh = {
        "name": "Wazuh",
        "email": "wazuh@example.org",
        "subject": "sshd: brute force trying to get access to the system",
        "message": "Rule 5712 fired 3 times on web-frontend-2 (10.20.0.14) from 198.51.100.23",
        "ip": "10.20.0.14",
        "alert": True,
        "autorespond": False,
        "rule_level": 10,
    }
    second = post(f"{base}/api/http.php/tickets.json", key, json.dumps(wazuh), "application/json")
    print(first)
    print(second)


if __name__ == "__main__":
    main()
