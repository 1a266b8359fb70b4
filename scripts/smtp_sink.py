#!/usr/bin/env python3
"""A real SMTP server for the end-to-end journeys: accepts every message on 127.0.0.1:PORT and
writes each one to DIR/NNNNNN.json as {"from", "to", "subject", "text", "raw"} (the plain-text
body decoded), so a journey can read the mail Docket sent. Standard library only.

Usage: scripts/smtp_sink.py DIR PORT   (stays in the foreground; stop it with SIGTERM)
"""

import asyncio
import email
import email.policy
import json
import os
import sys


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    def store(self, sender, recipients, data):
        self.count += 1
        message = email.message_from_bytes(data, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "from": sender,
            "to": recipients,
            "subject": str(message.get("subject", "")),
            "text": body.get_content() if body is not None else "",
            "raw": data.decode("utf-8", "replace"),
        }
        path = os.path.join(self.directory, f"{self.count:06d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(path + ".tmp", path)

    async def session(self, reader, writer):
        def reply(line):
            writer.write((line + "\r\n").encode())

        reply("220 docket-e2e-sink ESMTP")
        sender, recipients = "", []
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                command = line.decode("utf-8", "replace").strip()
                verb = command[:4].upper()
                if verb in ("EHLO", "HELO"):
                    reply("250-docket-e2e-sink")
                    reply("250-8BITMIME")
                    reply("250 SMTPUTF8")
                elif verb == "MAIL":
                    sender = command.split(":", 1)[1].split()[0].strip("<>") if ":" in command else ""
                    recipients = []
                    reply("250 OK")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].split()[0].strip("<>"))
                    reply("250 OK")
                elif verb == "DATA":
                    reply("354 End data with <CR><LF>.<CR><LF>")
                    await writer.drain()
                    lines = []
                    while True:
                        data_line = await reader.readline()
                        if data_line in (b".\r\n", b".\n", b""):
                            break
                        if data_line.startswith(b".."):
                            data_line = data_line[1:]
                        lines.append(data_line)
                    self.store(sender, recipients, b"".join(lines))
                    reply("250 OK: queued")
                elif verb == "RSET":
                    sender, recipients = "", []
                    reply("250 OK")
                elif verb == "NOOP":
                    reply("250 OK")
                elif verb == "QUIT":
                    reply("221 Bye")
                    await writer.drain()
                    break
                else:
                    reply("502 Command not implemented")
                await writer.drain()
        finally:
            writer.close()


async def main():
    directory, port = sys.argv[1], int(sys.argv[2])
    os.makedirs(directory, exist_ok=True)
    sink = Sink(directory)
    server = await asyncio.start_server(sink.session, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: smtp_sink.py DIR PORT")
    asyncio.run(main())
