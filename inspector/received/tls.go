package received

import (
	"regexp"
	"strings"
)

// TLS is what a Received field says about the encryption of one hand-off.
// A field may say a hop was encrypted without details ("Google Transport
// Security", or only the S of ESMTPS): then the fields are empty.
type TLS struct {
	// Version is the protocol version in one spelling whatever the MTA
	// wrote ("TLS1_2", "TLSv1.2" and "TLS1.2" all become "TLSv1.2").
	Version string `json:"version,omitempty"`
	// Cipher is the cipher suite as the MTA named it.
	Cipher string `json:"cipher,omitempty"`
	// Bits is the key strength when given ("256", "256/256").
	Bits string `json:"bits,omitempty"`
}

var (
	// "version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT"
	// (Sendmail, Gmail, Haraka) and "version=TLS1_2, cipher=..." (Microsoft).
	tlsKeyValue = regexp.MustCompile(`(?i)\b(version|cipher|bits)=([^\s,;]+)`)
	// "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)"
	// (Postfix).
	tlsPostfix = regexp.MustCompile(`(?i)^using\s+((?:TLS|SSL)\S*)\s+with\s+cipher\s+(\S+)(?:\s+\((\d+(?:/\d+)?)\s+bits\))?`)
	// "TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256" (Exim before 4.92),
	// "TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO" (OpenSMTPD), or just "TLS1.3"
	// (Exim 4.92 and later, with the cipher after the word "tls").
	tlsColons = regexp.MustCompile(`(?i)^((?:TLS|SSL)v?\d(?:[._]\d)?)(?::([^:\s]+))?(?::(\d+))?(?::\S*)?$`)
	// "TLS: TLSv1/SSLv3, 168bits,DES-CBC3-SHA" (Courier), also after its
	// "AUTH: LOGIN user, " in the same comment.
	tlsCourier = regexp.MustCompile(`(?i)\b(?:TLS|SSL):\s*((?:TLS|SSL)[^,\s]*),\s*(\d+)\s*bits,\s*([^,\s]+)`)
	// "DHE-RSA-AES256-GCM-SHA384 encrypted" (qmail's TLS patch).
	tlsQmail    = regexp.MustCompile(`^([A-Za-z0-9_-]+)\s+encrypted$`)
	versionForm = regexp.MustCompile(`(?i)^(TLS|SSL)v?(\d)(?:[._](\d))?$`)
)

// parseTLS reads TLS details from one comment's text, or returns nil when
// the comment is not about TLS.
func parseTLS(c string) *TLS {
	c = strings.TrimSpace(c)
	// Each form is looked for only where a cheap test of the words it
	// needs passes: most comments are about something else, and the
	// regular expressions are a good part of reading a Received field.
	lower := strings.ToLower(c)
	if strings.HasPrefix(lower, "using") {
		if m := tlsPostfix.FindStringSubmatch(c); m != nil {
			return &TLS{Version: normalizeVersion(m[1]), Cipher: m[2], Bits: m[3]}
		}
	}
	if strings.HasPrefix(lower, "tls") || strings.HasPrefix(lower, "ssl") {
		if m := tlsColons.FindStringSubmatch(c); m != nil {
			return &TLS{Version: normalizeVersion(m[1]), Cipher: m[2], Bits: m[3]}
		}
	}
	if strings.Contains(lower, "tls:") || strings.Contains(lower, "ssl:") {
		if m := tlsCourier.FindStringSubmatch(c); m != nil {
			return &TLS{Version: normalizeVersion(m[1]), Cipher: m[3], Bits: m[2]}
		}
	}
	if lower == "google transport security" {
		return &TLS{}
	}
	if strings.HasSuffix(c, "encrypted") {
		if m := tlsQmail.FindStringSubmatch(c); m != nil {
			return &TLS{Cipher: m[1]}
		}
	}
	if !strings.Contains(c, "=") {
		return nil
	}
	var t TLS
	found := false
	for _, m := range tlsKeyValue.FindAllStringSubmatch(c, -1) {
		switch strings.ToLower(m[1]) {
		case "version":
			if versionForm.MatchString(m[2]) {
				t.Version = normalizeVersion(m[2])
				found = true
			}
		case "cipher":
			t.Cipher = m[2]
			found = true
		case "bits":
			t.Bits = m[2]
		}
	}
	if !found {
		return nil
	}
	return &t
}

// normalizeVersion writes TLS and SSL versions one way: "TLSv1.2", "SSLv3".
func normalizeVersion(v string) string {
	m := versionForm.FindStringSubmatch(v)
	if m == nil {
		return v
	}
	out := strings.ToUpper(m[1]) + "v" + m[2]
	if m[3] != "" {
		out += "." + m[3]
	}
	return out
}

// merge fills the empty fields of t from o.
func (t *TLS) merge(o *TLS) {
	if t.Version == "" {
		t.Version = o.Version
	}
	if t.Cipher == "" {
		t.Cipher = o.Cipher
	}
	if t.Bits == "" {
		t.Bits = o.Bits
	}
}
