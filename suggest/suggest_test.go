package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"target", "target", 0}, {"", "abc", 3}, {"abc", "", 3},
		{"tagret", "target", 2}, {"kitten", "sitting", 3}, {"prallel", "parallel", 1}, {"ünï", "uni", 2},
	} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	flags := []string{"target", "timeout", "parallel", "report-dir", "label-filter", "output"}
	for name, want := range map[string]string{
		"tagret":                  "target",
		"timout":                  "timeout",
		"paralel":                 "parallel",
		"report_dir":              "report-dir",
		"lable-filter":            "label-filter",
		"ouput":                   "output",
		"x":                       "",
		"verbose":                 "",
		"allow-everything-please": "",
	} {
		if got := Closest(name, flags); got != want {
			t.Errorf("Closest(%q) = %q, want %q", name, got, want)
		}
	}
	if got := Closest("rnu", []string{"run", "serve", "diff", "merge"}); got != "run" {
		t.Errorf("Closest(rnu) = %q, want run", got)
	}
}
