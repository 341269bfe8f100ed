// Checks messages one after another with mailauth (npm), asking the DNS
// server given, as bench/mailbox.sh's baseline: node mailauth-check.js
// HOST:PORT FILES.txt. Client IP, HELO and MAIL FROM come from the
// Received and Return-Path fields (trustReceived), as Mail Inspector reads
// them. Prints the count of each DMARC result on stderr.
'use strict';
const fs = require('node:fs');
const { Resolver } = require('node:dns').promises;
const { authenticate } = require('mailauth');

async function main() {
    const [server, list] = process.argv.slice(2);
    const resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([server]);
    const resolve = (name, rrtype) => resolver.resolve(name, rrtype);
    const files = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean);
    const counts = {};
    for (const file of files) {
        const res = await authenticate(fs.readFileSync(file), {
            trustReceived: true,
            mta: 'mx.recipient.example',
            resolver: resolve
        });
        const dmarc = (res.dmarc && res.dmarc.status && res.dmarc.status.result) || 'none';
        counts[dmarc] = (counts[dmarc] || 0) + 1;
    }
    process.stderr.write('mailauth: DMARC ' + JSON.stringify(counts) + '\n');
}

main().catch(err => {
    console.error(err);
    process.exit(1);
});
