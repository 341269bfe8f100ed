package dkim

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// Key is a DKIM public key record (RFC 6376 section 3.6.1, RFC 8463), with
// where it was found when it came from LookupKey.
type Key struct {
	// Name is the DNS name queried, selector._domainkey.domain.
	Name string `json:"name,omitempty"`
	// Record is the TXT record as found, its strings joined.
	Record string `json:"record,omitempty"`
	// CNAME is the chain of aliases followed to reach the record.
	CNAME    []string `json:"cname,omitempty"`
	ViaCNAME bool     `json:"via_cname"`
	// DNSSEC is the AD bit of the answer: the resolver validated it.
	DNSSEC bool `json:"dnssec_ad"`

	// Type is k=: "rsa" (the default) or "ed25519".
	Type string `json:"type,omitempty"`
	// Bits is the key size: the RSA modulus length, 256 for ed25519.
	Bits int `json:"bits,omitempty"`
	// Encoding says how p= holds the key: "spki" (SubjectPublicKeyInfo, what
	// RFC 6376 prescribes for RSA), "pkcs1" (a bare RSAPublicKey, accepted
	// per erratum 3017) or "raw" (the 32 bytes of an ed25519 key).
	Encoding string `json:"encoding,omitempty"`
	// Hashes is h=, the hash algorithms allowed; nil when any is.
	Hashes []string `json:"hashes,omitempty"`
	// Services is s=, the services the key may be used for; nil means all.
	Services []string `json:"services,omitempty"`
	// Flags is t= as written; Testing (y) and Strict (s) are its known
	// flags.
	Flags   []string `json:"flags,omitempty"`
	Testing bool     `json:"testing"`
	Strict  bool     `json:"strict"`
	// Revoked is true when p= is empty: the domain withdrew the key.
	Revoked bool   `json:"revoked"`
	Notes   string `json:"notes,omitempty"`
	// Warnings note what is wrong with the record without making it
	// unusable.
	Warnings []string `json:"warnings,omitempty"`

	// Public is the key: *rsa.PublicKey or ed25519.PublicKey; nil when
	// revoked.
	Public crypto.PublicKey `json:"-"`
}

// ParseKey parses a DKIM key record (the TXT record's strings joined). A
// revoked key (empty p=) is not an error: it returns a Key with Revoked set
// and no Public key. Errors are *Error with code key_malformed or
// unsupported_key_type, naming the tag at fault.
func ParseKey(record string) (*Key, error) {
	k := &Key{Type: "rsa"}
	tags, err := ParseTags(record)
	if err != nil {
		e := malformed(err)
		e.Code = CodeKeyMalformed
		return k, e
	}
	if v, ok := tags.Get("v"); ok {
		if v != "DKIM1" {
			return k, &Error{Code: CodeKeyMalformed, Tag: "v", Reason: fmt.Sprintf("tag v=: the version is %q, not DKIM1", clip(v))}
		}
		if tags[0].Name != "v" {
			k.Warnings = append(k.Warnings, "v=DKIM1 is not the first tag of the record, as RFC 6376 requires; some verifiers may reject the key")
		}
	}
	if v, ok := tags.Get("k"); ok {
		k.Type = trimFWS(v)
	}
	if v, ok := tags.Get("h"); ok {
		k.Hashes = splitList(v)
	}
	if v, ok := tags.Get("s"); ok {
		k.Services = splitList(v)
	}
	if v, ok := tags.Get("t"); ok {
		k.Flags = splitList(v)
		for _, f := range k.Flags {
			k.Testing = k.Testing || f == "y"
			k.Strict = k.Strict || f == "s"
		}
	}
	if v, ok := tags.Get("n"); ok {
		k.Notes = v
	}
	p, ok := tags.Get("p")
	if !ok {
		return k, &Error{Code: CodeKeyMalformed, Tag: "p", Reason: "the required tag p= (the public key) is missing"}
	}
	if k.Type != "rsa" && k.Type != "ed25519" {
		return k, &Error{Code: CodeUnsupportedKeyType, Tag: "k", Reason: fmt.Sprintf("the key type k=%s is not one this verifier knows (rsa, ed25519)", clip(k.Type))}
	}
	p = stripFWS(p)
	if p == "" {
		k.Revoked = true
		return k, nil
	}
	der, err := base64.StdEncoding.DecodeString(p)
	if err != nil {
		return k, &Error{Code: CodeKeyMalformed, Tag: "p", Reason: fmt.Sprintf("tag p=: the key is not valid base64 (%v)", err)}
	}
	switch k.Type {
	case "rsa":
		err = k.parseRSA(der)
	case "ed25519":
		err = k.parseEd25519(der)
	}
	if err != nil {
		return k, &Error{Code: CodeKeyMalformed, Tag: "p", Reason: "tag p=: " + err.Error()}
	}
	return k, nil
}

func (k *Key) parseRSA(der []byte) error {
	var pub *rsa.PublicKey
	if any, err := x509.ParsePKIXPublicKey(der); err == nil {
		var ok bool
		if pub, ok = any.(*rsa.PublicKey); !ok {
			return fmt.Errorf("the key is a %s key, but k= says rsa", keyKind(any))
		}
		k.Encoding = "spki"
	} else if pub, err = x509.ParsePKCS1PublicKey(der); err == nil {
		k.Encoding = "pkcs1"
	} else {
		return fmt.Errorf("not an RSA public key (neither SubjectPublicKeyInfo nor RSAPublicKey DER): %v", err)
	}
	k.Public = pub
	k.Bits = pub.N.BitLen()
	return nil
}

func (k *Key) parseEd25519(der []byte) error {
	if len(der) == ed25519.PublicKeySize {
		k.Public = ed25519.PublicKey(der)
		k.Encoding = "raw"
		k.Bits = 256
		return nil
	}
	// Some publish the key wrapped as for RSA. RFC 8463 says the bare 32
	// bytes; accept the wrapped form but say so, as other verifiers reject it.
	if any, err := x509.ParsePKIXPublicKey(der); err == nil {
		if pub, ok := any.(ed25519.PublicKey); ok {
			k.Public = pub
			k.Encoding = "spki"
			k.Bits = 256
			k.Warnings = append(k.Warnings, "the ed25519 key is published as a SubjectPublicKeyInfo structure; RFC 8463 requires the bare 32-byte key, and most verifiers will reject this record")
			return nil
		}
		return fmt.Errorf("the key is a %s key, but k= says ed25519", keyKind(any))
	}
	return fmt.Errorf("the key is %d bytes long; an ed25519 key is %d", len(der), ed25519.PublicKeySize)
}

func keyKind(pub any) string {
	switch pub.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case ed25519.PublicKey:
		return "ed25519"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", pub), "*")
}

// allowsHash reports whether the key's h= allows the hash ("sha256").
func (k *Key) allowsHash(name string) bool {
	if k.Hashes == nil {
		return true
	}
	for _, h := range k.Hashes {
		if h == name {
			return true
		}
	}
	return false
}

// allowsEmail reports whether the key's s= allows e-mail.
func (k *Key) allowsEmail() bool {
	if k.Services == nil {
		return true
	}
	for _, s := range k.Services {
		if s == "*" || s == "email" {
			return true
		}
	}
	return false
}
