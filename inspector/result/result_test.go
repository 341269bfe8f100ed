package result

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Result
		ok   bool
	}{
		{"pass", Pass, true},
		{" PASS ", Pass, true},
		{"SoftFail", SoftFail, true},
		{"hardfail", Fail, true},
		{"permerror", PermError, true},
		{"temperror", TempError, true},
		{"policy", Policy, true},
		{"none", None, true},
		{"neutral", Neutral, true},
		{"fail", Fail, true},
		{"bestguesspass", "bestguesspass", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := Parse(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestKnownAndError(t *testing.T) {
	for _, r := range []Result{Pass, Fail, SoftFail, Neutral, None, Policy, TempError, PermError} {
		if !r.Known() {
			t.Errorf("%s is not known", r)
		}
		if r.Error() != (r == TempError || r == PermError) {
			t.Errorf("%s.Error() = %v", r, r.Error())
		}
	}
	for _, r := range []Result{"hardfail", "unknown", ""} {
		if r.Known() {
			t.Errorf("%q is known", r)
		}
	}
}
