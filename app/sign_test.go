package app

// A small DKIM and ARC signer for generating the sample messages. It is
// written out here, rather than using go-msgauth's dkim.Sign, because the
// samples need a fixed signing time (t=) that matches their Date and
// Received fields, and because go-msgauth cannot sign ARC sets. The
// signatures it makes are checked with go-msgauth's verifier in
// TestSamples.

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// signKey is a signing key and where its public half is published.
type signKey struct {
	domain, selector string
	key              crypto.Signer
}

func (k signKey) algorithm() string {
	if _, ok := k.key.(ed25519.PrivateKey); ok {
		return "ed25519-sha256"
	}
	return "rsa-sha256"
}

// sign signs the SHA-256 hash of data as DKIM does for the key's type.
func (k signKey) sign(data string) string {
	h := sha256.Sum256([]byte(data))
	var sig []byte
	var err error
	switch key := k.key.(type) {
	case ed25519.PrivateKey:
		sig = ed25519.Sign(key, h[:]) // RFC 8463: Ed25519 over the SHA-256 hash
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h[:])
	default:
		err = fmt.Errorf("unsupported key %T", k.key)
	}
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// draft is a message being built: header fields top first, each a whole
// field ending in CRLF, and a body with CRLF line endings.
type draft struct {
	fields []string
	body   string
}

// prepend adds a field at the top, as every hop does.
func (d *draft) prepend(name, value string) {
	d.fields = append([]string{name + ": " + value + "\r\n"}, d.fields...)
}

func (d *draft) String() string {
	return strings.Join(d.fields, "") + "\r\n" + d.body
}

var (
	wspRun      = regexp.MustCompile(`[ \t]+`)
	trailingWSP = regexp.MustCompile(`[ \t]+\r\n`)
)

// relaxedHeader canonicalises one field (RFC 6376 section 3.4.2).
func relaxedHeader(field string) string {
	name, value, _ := strings.Cut(field, ":")
	value = strings.ReplaceAll(value, "\r\n", "")
	value = wspRun.ReplaceAllString(value, " ")
	return strings.ToLower(strings.TrimRight(name, " \t")) + ":" + strings.Trim(value, " ") + "\r\n"
}

// relaxedBody canonicalises a body (RFC 6376 section 3.4.4).
func relaxedBody(body string) string {
	b := wspRun.ReplaceAllString(body, " ")
	b = trailingWSP.ReplaceAllString(b, "\r\n")
	for strings.HasSuffix(b, "\r\n\r\n") {
		b = strings.TrimSuffix(b, "\r\n")
	}
	if b == "\r\n" {
		return ""
	}
	if b != "" && !strings.HasSuffix(b, "\r\n") {
		b += "\r\n"
	}
	return b
}

func bodyHash(body string) string {
	h := sha256.Sum256([]byte(relaxedBody(body)))
	return base64.StdEncoding.EncodeToString(h[:])
}

// selectFields picks the fields named in h, each name taking the bottom-most
// instance not yet taken (RFC 6376 section 5.4.2).
func selectFields(fields []string, h []string) []string {
	used := make(map[int]bool)
	var out []string
	for _, name := range h {
		for i := len(fields) - 1; i >= 0; i-- {
			n, _, _ := strings.Cut(fields[i], ":")
			if !used[i] && strings.EqualFold(strings.TrimSpace(n), name) {
				used[i] = true
				out = append(out, fields[i])
				break
			}
		}
	}
	return out
}

// fold writes tags as a folded field value and appends b= last, folded.
func fold(tags []string, b string) string {
	var sb strings.Builder
	line := 0
	for i, t := range tags {
		if i > 0 {
			if line+len(t)+2 > 76 {
				sb.WriteString("\r\n\t")
				line = 8
			} else {
				sb.WriteString(" ")
				line++
			}
		}
		sb.WriteString(t + ";")
		line += len(t) + 1
	}
	sb.WriteString("\r\n\tb=")
	for len(b) > 0 {
		n := min(len(b), 70)
		sb.WriteString(b[:n])
		b = b[n:]
		if len(b) > 0 {
			sb.WriteString("\r\n\t  ")
		}
	}
	return sb.String()
}

// signMessage adds a DKIM-Signature (name "DKIM-Signature") or an
// ARC-Message-Signature (name "ARC-Message-Signature", with instance >
// 0) over the fields h of d, relaxed/relaxed, signed at t.
func signMessage(d *draft, name string, instance int, k signKey, h []string, t time.Time) string {
	var tags []string
	if instance > 0 {
		tags = append(tags, fmt.Sprintf("i=%d", instance))
	} else {
		tags = append(tags, "v=1")
	}
	tags = append(tags,
		"a="+k.algorithm(), "c=relaxed/relaxed", "d="+k.domain, "s="+k.selector,
		fmt.Sprintf("t=%d", t.Unix()), "h="+strings.Join(h, ":"), "bh="+bodyHash(d.body))
	unsigned := name + ": " + fold(tags, "") + "\r\n"
	var in bytes.Buffer
	for _, f := range selectFields(d.fields, h) {
		in.WriteString(relaxedHeader(f))
	}
	in.WriteString(strings.TrimSuffix(relaxedHeader(unsigned), "\r\n"))
	b := k.sign(in.String())
	value := fold(tags, b)
	d.prepend(name, value)
	return b
}

// sealARC adds the ARC-Seal of instance i over the ARC sets 1..i already in
// d (their AAR and AMS must be present; earlier seals too).
func sealARC(d *draft, i int, cv string, k signKey, t time.Time) {
	tags := []string{fmt.Sprintf("i=%d", i), "a=" + k.algorithm(), fmt.Sprintf("t=%d", t.Unix()),
		"cv=" + cv, "d=" + k.domain, "s=" + k.selector}
	unsigned := "ARC-Seal: " + fold(tags, "") + "\r\n"
	var in bytes.Buffer
	for n := 1; n <= i; n++ {
		for _, name := range []string{"ARC-Authentication-Results", "ARC-Message-Signature", "ARC-Seal"} {
			if n == i && name == "ARC-Seal" {
				break
			}
			f := arcField(d.fields, name, n)
			if f == "" {
				panic(fmt.Sprintf("sealARC: no %s i=%d", name, n))
			}
			in.WriteString(relaxedHeader(f))
		}
	}
	in.WriteString(strings.TrimSuffix(relaxedHeader(unsigned), "\r\n"))
	d.prepend("ARC-Seal", fold(tags, k.sign(in.String())))
}

var instanceTag = regexp.MustCompile(`^\s*i\s*=\s*(\d+)`)

func arcField(fields []string, name string, i int) string {
	for _, f := range fields {
		n, v, _ := strings.Cut(f, ":")
		if !strings.EqualFold(strings.TrimSpace(n), name) {
			continue
		}
		if m := instanceTag.FindStringSubmatch(v); m != nil && m[1] == fmt.Sprint(i) {
			return f
		}
	}
	return ""
}
