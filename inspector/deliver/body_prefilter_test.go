package deliver

import (
	"slices"
	"testing"
)

// TestFindURLs: the cheap test before the regular expression never hides a
// URL it would find.
func TestFindURLs(t *testing.T) {
	for _, line := range []string{
		"Visit https://shop.example/a?b=c today",
		"HTTP://SHOP.EXAMPLE",
		"write to MailTo:news@shop.example or mailto:x@y.example",
		"ratio 3:1, time 10:30, no link",
		"mailto",
		":mailto:a@b.example",
		"",
	} {
		got := findURLs([]byte(line))
		want := plainURL.FindAllIndex([]byte(line), 20)
		if !slices.EqualFunc(got, want, slices.Equal[[]int]) {
			t.Errorf("findURLs(%q) = %v, the expression finds %v", line, got, want)
		}
	}
}
