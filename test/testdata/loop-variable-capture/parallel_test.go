//fixture:go 1.21

package notify

import "testing"

func TestParallel(t *testing.T) {
	cases := []struct{ in, want string }{{"a", "A"}, {"b", "B"}}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := upper(tc.in); got != tc.want { // want "The parallel subtest started at line 10 uses the loop variable `tc`.*each sees the last iteration's value"
				t.Errorf("upper(%q) = %q", tc.in, got)
			}
		})
	}
}

// The subtest reads its case before t.Parallel(), while its own iteration runs: it keeps a copy.
func TestParallelCopiedFirst(t *testing.T) {
	cases := []struct{ in, want string }{{"a", "A"}, {"b", "B"}}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			in, want := tc.in, tc.want // ok
			t.Parallel()
			if got := upper(in); got != want {
				t.Errorf("upper(%q) = %q", in, got)
			}
		})
	}
}

func upper(s string) string { return s }
