package conformance

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/conformance-suite/conformance/fixtures"
	"github.com/conformance-suite/conformance/specs"
)

// TestCheckOrderIsValidated proves that the list of checks is checked when the package loads:
// a need that names no check, or a check listed after one that needs it, panics in mustOrder.
func TestCheckOrderIsValidated(t *testing.T) {
	run := func(*Exchange, *Options) (bool, []Failure) { return false, nil }
	a := Check{Name: "a", Profile: fixtures.Core, Run: run}
	for _, tc := range []struct {
		name   string
		checks []Check
		want   string
	}{
		{"unknown need", []Check{a, {Name: "b", Profile: fixtures.Core, Needs: []CheckName{"nope"}, Run: run}}, `needs "nope"`},
		{"need listed later", []Check{{Name: "b", Profile: fixtures.Core, Needs: []CheckName{"a"}, Run: run}, a}, `needs "a"`},
		{"twice", []Check{a, a}, "listed twice"},
		{"no profile", []Check{{Name: "c", Run: run}}, "profile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tc.want) {
					t.Fatalf("mustOrder: recovered %v, want a panic naming %s", r, tc.want)
				}
			}()
			mustOrder(tc.checks)
		})
	}
	if err := validateOrder(Checks); err != nil {
		t.Fatal(err)
	}
}

// TestEvaluateOptions: a disabled check is reported disabled and the checks that need it still
// run; RefusalStatuses replace the fixture's refusal statuses; a strict check's findings, or any
// finding on a strict case, carry the strict profile and are warnings at core.
func TestEvaluateOptions(t *testing.T) {
	op := testOperation(t, "UpdateEnterpriseId")
	neg := &fixtures.Case{Kind: fixtures.Negative, Profile: fixtures.Core, Expect: fixtures.Expect{Status: []int{400}}}
	accepted := &Exchange{Case: neg, Op: op, Response: &Response{Status: 200,
		Header: map[string][]string{"Content-Type": {"application/json"}}, Body: []byte(`{"enterprise_id":"x","extra":1}`)}}
	state := func(r Result, name CheckName) State {
		for _, cr := range r.Checks {
			if cr.Check == name {
				return cr.State
			}
		}
		return ""
	}
	res := Evaluate(accepted, nil)
	if state(res, CheckNegativeDataRejection) != Failed || state(res, CheckNoUndocumentedFields) != Failed {
		t.Fatalf("the accepted invalid input: %+v", res.Checks)
	}
	failures, warnings := res.Split(fixtures.Core)
	if len(failures) != 1 || failures[0].Check != CheckNegativeDataRejection || len(warnings) != 1 || warnings[0].Profile != fixtures.Strict {
		t.Errorf("core split: failures %+v, warnings %+v", failures, warnings)
	}
	if f, w := res.Split(fixtures.Strict); len(f) != 2 || len(w) != 0 {
		t.Errorf("strict split: failures %+v, warnings %+v", f, w)
	}
	res = Evaluate(accepted, &Options{Disabled: map[CheckName]bool{CheckNegativeDataRejection: true}})
	if state(res, CheckNegativeDataRejection) != Disabled || state(res, CheckResponseValuesConformance) == NotEvaluated {
		t.Errorf("disabled: %+v", res.Checks)
	}
	refused := &Exchange{Case: &fixtures.Case{Kind: fixtures.Negative, Expect: fixtures.Expect{Status: []int{403}}}, Op: op,
		Response: &Response{Status: 400, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: []byte(`{"error_code":"WKS.0001","error_msg":"bad"}`)}}
	if state(Evaluate(refused, nil), CheckNegativeDataRejection) != Failed {
		t.Error("a 400 where the fixture expects 403 passes negative_data_rejection")
	}
	if res := Evaluate(refused, &Options{RefusalStatuses: []int{400, 422}}); state(res, CheckNegativeDataRejection) != Passed {
		t.Errorf("refusal statuses [400 422]: %+v", res.Checks)
	}
	res = Evaluate(accepted, &Options{Profile: fixtures.Strict})
	if f, _ := res.Split(fixtures.Core); len(f) != 0 {
		t.Errorf("a strict case fails at core: %+v", f)
	}
}

func testOperation(t *testing.T, id string) *specs.Operation {
	t.Helper()
	set, err := specs.Load()
	if err != nil {
		t.Fatal(err)
	}
	op, ok := set.Operation(id)
	if !ok {
		t.Fatalf("no operation %s", id)
	}
	return op
}

// FuzzDecodeJSON holds the fast decoder to encoding/json: the same value for every body
// encoding/json accepts, an error for every body it refuses.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[true,false,null,"x"],"a":2}`, `[]`, `{}`, ` -0.5e+3 `, `"\u00e9\ud800"`,
		"\"\xff\"", `01`, `[[2e400]]`, `1.`, `1e999`, `{"a" 1}`, `[1,]`, `{"é":"ü"}`, `[[[[]]]]`, "\t\n\r 7", `nul`, `{"a":{}}x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := decodeJSON(b)
		var want any
		wantErr := json.Unmarshal(b, &want)
		switch {
		case len(b) == 0:
			if err == nil {
				t.Fatal("an empty body decoded")
			}
		case (err == nil) != (wantErr == nil):
			t.Fatalf("decodeJSON error %v, encoding/json error %v", err, wantErr)
		case err != nil && err.Error() != "invalid JSON: "+wantErr.Error():
			t.Fatalf("error %q, encoding/json's %q", err, wantErr)
		case err == nil && !reflect.DeepEqual(got, want):
			t.Fatalf("decoded %#v, encoding/json %#v", got, want)
		}
	})
}

func TestDecodeJSONDepth(t *testing.T) {
	for _, n := range []int{10000, 10001} {
		b := []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
		_, err := decodeJSON(b)
		var want any
		if wantErr := json.Unmarshal(b, &want); (err == nil) != (wantErr == nil) {
			t.Fatalf("%d nested arrays: error %v, encoding/json's %v", n, err, wantErr)
		}
	}
}
