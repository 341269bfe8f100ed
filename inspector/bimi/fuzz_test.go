package bimi

import (
	"os"
	"testing"
)

func FuzzParseRecord(f *testing.F) {
	f.Add("v=BIMI1; l=https://brand.example/logo.svg; a=https://brand.example/vmc.pem")
	f.Add("v=BIMI1; l=; a=;")
	f.Add("v=BIMI1; l=a,b; l=c")
	f.Add("v=bimi1;;;=x")
	f.Fuzz(func(t *testing.T, txt string) {
		r := parseRecord(txt)
		if r.err == nil && !isRecord(txt) {
			t.Fatalf("%q parsed but is not a BIMI record", txt)
		}
		if r.err == nil && !r.hasL && !r.hasA {
			t.Fatalf("%q parsed without l= or a=", txt)
		}
	})
}

func FuzzCheckSVG(f *testing.F) {
	for _, name := range []string{"testdata/logo-tiny-ps.svg", "testdata/logo-unsafe.svg"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<!DOCTYPE svg [<!ENTITY a "&a;&a;">]><svg>&a;</svg>`))
	f.Fuzz(func(t *testing.T, svg []byte) {
		checks := CheckSVG(svg)
		if len(checks) == 0 || checks[0].ID != "svg_size" {
			t.Fatalf("checks %+v", checks)
		}
		for _, c := range checks {
			if c.Result != CheckPass && c.Result != CheckFail {
				t.Fatalf("check %+v", c)
			}
		}
	})
}
