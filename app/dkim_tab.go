package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
)

// bodyNotAvailable is what the DKIM tab says of a header-only message.
const bodyNotAvailable = "body not available: header signature checked only"

// maxUnsignedShown bounds the unsigned text (l=) shown in a card.
const maxUnsignedShown = 4000

// dkimTab shows every DKIM signature as a card (the JSON form of
// dkim.Result: domain, selector, algorithm, key, times, body hashes, the
// text an l= tag leaves unsigned).
func dkimTab(r *inspector.Report) fyne.CanvasObject {
	var page []fyne.CanvasObject
	if r.HeaderOnly {
		page = append(page, notice(inspector.VerdictWarn, "Only the header was given: "+bodyNotAvailable+
			". No body hash was verified, so a changed body would not show here."))
	}
	v := jsonValue(r.DKIM)
	if o, ok := asObj(v); ok { // a section object rather than a list
		v = o["signatures"]
	}
	sigs := objects(v)
	if len(sigs) == 0 {
		row := summaryRow(r, "DKIM")
		if row == nil || row.Reason == inspector.NotEvaluated {
			page = append(page, notEvaluated("DKIM signatures", ""))
		} else {
			page = append(page, sectionHead("DKIM", string(row.Result), row.Reason))
		}
		return tabPage(page...)
	}
	for _, s := range sigs {
		page = append(page, dkimCard(s, r.HeaderOnly))
	}
	return tabPage(page...)
}

func dkimCard(s obj, headerOnly bool) fyne.CanvasObject {
	title := "d=" + s.str("domain") + "  s=" + s.str("selector")
	parts := []fyne.CanvasObject{sectionHead(title, s.str("result"), s.str("reason"))}
	for _, w := range s.strs("warnings") {
		parts = append(parts, notice(inspector.VerdictWarn, w))
	}

	key := s.child("key")
	keyText := ""
	if bits := s.str("key_bits"); bits != "" && bits != "0" {
		keyText = bits + "-bit"
	}
	if kt := key.str("type"); kt != "" {
		keyText = strings.TrimSpace(keyText + " " + strings.ToUpper(kt))
	}
	if key.str("name") != "" {
		keyText = strings.TrimSpace(keyText + " key at " + key.str("name"))
	}
	if ad, _ := key.flag("dnssec_ad"); ad {
		keyText += " (DNSSEC-validated)"
	}
	times := ""
	if ts := s.str("timestamp"); ts != "" {
		times = "signed " + ts
	}
	if x := s.str("expiration"); x != "" {
		times += "; expires " + x
	}
	if j := s.str("judged_at"); j != "" && times != "" {
		times += " (judged at " + j + ")"
	}
	sigValid := ""
	if v, ok := s.flag("signature_valid"); ok {
		sigValid = map[bool]string{true: "valid: the signed header fields are unchanged", false: "invalid: the signed header fields were changed"}[v]
	} else if s.str("result") != "" {
		sigValid = "could not be checked"
	}
	parts = append(parts, fields(
		textPair("Algorithm", s.str("algorithm")),
		textPair("Key", keyText),
		textPair("Canonicalization", s.str("canonicalization")),
		textPair("Identity (i=)", s.str("identity")),
		textPair("Signed headers", strings.Join(s.strs("signed_headers"), ", ")),
		textPair("Not signed", unsignedDuplicates(s)),
		textPair("Times", times),
		textPair("Header signature", sigValid),
	))
	parts = append(parts, bodyHashView(s, headerOnly))
	if u := unsignedTextView(s); u != nil {
		parts = append(parts, u)
	}
	if f := s.str("field"); f != "" {
		parts = append(parts, widget.NewAccordion(widget.NewAccordionItem("DKIM-Signature field as received", mono(f))))
	}
	if k := key.str("record"); k != "" {
		parts = append(parts, widget.NewAccordion(widget.NewAccordionItem("Key record ("+key.str("name")+")", mono(k))))
	}
	parts = append(parts, moreDetails(s, "domain", "selector", "algorithm", "result", "reason", "key_bits", "code",
		"warnings", "warning_codes", "index", "field", "canonicalization", "identity", "signed_headers",
		"unsigned_duplicates", "timestamp", "expiration", "judged_at", "key", "body_checked",
		"body_hash_expected", "body_hash_computed", "body_hash_matches", "signature_valid", "body_length",
		"canonical_body_bytes", "unsigned_bytes", "unsigned_text", "unsigned_truncated"))
	return card(parts...)
}

func unsignedDuplicates(s obj) string {
	d := s.strs("unsigned_duplicates")
	if len(d) == 0 {
		return ""
	}
	return "extra instances of " + strings.Join(d, ", ") + " (they could have been added after signing)"
}

// bodyHashView says whether the body is as signed: expected and computed
// hash side by side on a mismatch; never a pass for a body not checked.
func bodyHashView(s obj, headerOnly bool) fyne.CanvasObject {
	checked, _ := s.flag("body_checked")
	if headerOnly || !checked {
		why := "not checked"
		if headerOnly {
			why = "not verified: " + bodyNotAvailable
		}
		return fields(pair{"Body hash", container.NewHBox(statusIcon(inspector.VerdictNone), resultLabel(why, inspector.VerdictNone))})
	}
	if ok, _ := s.flag("body_hash_matches"); ok {
		return fields(
			pair{"Body hash", container.NewHBox(statusIcon(inspector.VerdictPass), resultLabel("matches: the body is as signed", inspector.VerdictPass))},
			pair{"bh=", mono(s.str("body_hash_expected"))},
		)
	}
	return fields(
		pair{"Body hash", container.NewHBox(statusIcon(inspector.VerdictFail), resultLabel("does not match: the body was changed after signing", inspector.VerdictFail))},
		pair{"Expected (bh=)", mono(s.str("body_hash_expected"))},
		pair{"Computed", mono(s.str("body_hash_computed"))},
	)
}

// unsignedTextView shows what an l= tag leaves outside the signature.
func unsignedTextView(s obj) fyne.CanvasObject {
	l := s.str("body_length")
	if l == "" {
		return nil
	}
	box := container.NewVBox(fields(textPair("Signed body length (l=)",
		fmt.Sprintf("%s of %s bytes", l, orDash(s.str("canonical_body_bytes"))))))
	text := s.str("unsigned_text")
	if n := s.str("unsigned_bytes"); n != "" && n != "0" {
		box.Add(notice(inspector.VerdictWarn, n+" bytes of the body are not covered by the signature: anyone could have appended them. They are:"))
		if len(text) > maxUnsignedShown {
			text = text[:maxUnsignedShown] + "\n…"
		} else if t, _ := s.flag("unsigned_truncated"); t {
			text += "\n…"
		}
		box.Add(mono(text))
	}
	return box
}

func orDash(s string) string {
	if s == "" {
		return "?"
	}
	return s
}
