package specs_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// seedFields is, per operation, the fields its seed page documents, copied from the page's
// tables, not from the specs. One row a line, "<where> <name> <type> <presence> [<enum>]":
//
//   - where: path, header or query for a parameter, body for the request body, or the
//     response statuses the row holds for, such as 200 or 400,401,403
//   - name: the parameter, or a dotted path into the body where "x[]" steps into the items
//     of the array x: function_config.values[].key
//   - type: the JSON type (string, integer, number, boolean, object, array), with a format
//     after a slash where the page gives one: a "long" is integer/int64
//   - presence: mandatory or optional as the page says, "-" where it says nothing
//   - enum: the page's values, separated by |; none means the spec must have no enum
//
// A row "<status> -" says the status is documented with no body. Lines starting with # are
// notes; where the spec deliberately follows the real service instead of the page
// (CONTEXT.md section 1), the note says so and the row holds the real-service form.
var seedFields = []struct{ op, seed, rows string }{
	{"InitializeTenant", "000_49345c6f1130782b.txt", `
		path     project_id      string  mandatory
		header   X-Auth-Token    string  optional
		body     service_status  string  mandatory  active|inactive
		200      project_id      string  -
		200      service_status  string  -          active|inactive
		400,503  error_code      string  -
		400,503  error_msg       string  -
		# The page documents no 401, 403 or 404; the API gateway answers them (x-doc-discrepancy),
		# and the envelope table checks them with every other Huawei operation.
	`},
	{"GetUserActiveTenant", "001_ab4ae462cd20251c.txt", getUserActiveTenantFields},
	{"GetUserActiveTenantByGet", "001_ab4ae462cd20251c.txt", getUserActiveTenantFields},
	{"ChangeIAM2ProjectState", "002_cc0f0efc32c76b7d.txt", `
		path  uuid  string  mandatory
		# The page spells the body key changeiam2projectstate; the real server and its SDKs spell it
		# changeIAM2ProjectState, and so does the spec (x-doc-discrepancy).
		body  changeIAM2ProjectState             object  mandatory
		# The page names the type StateEvent without listing it; ZStack's values are enable and disable.
		body  changeIAM2ProjectState.stateEvent  string  mandatory  enable|disable
		body  systemTags                         array   optional
		body  systemTags[]                       string  -
		body  userTags                           array   optional
		body  userTags[]                         string  -
		# Every inventory field is marked Required, but the server omits null ones and the page's own
		# example holds uuid, name and state only; the spec requires those three (x-doc-discrepancy).
		200  inventory                       object  mandatory
		200  inventory.uuid                  string  mandatory
		200  inventory.name                  string  mandatory
		200  inventory.description           string  -
		# Timestamp on the page; the wire carries strings such as "Nov 24, 2026 5:04:05 PM".
		200  inventory.createDate            string  -
		200  inventory.lastOpDate            string  -
		200  inventory.linkedAccountUuid     string  -
		# The page's schema makes state a ProjectState {name, ordinal}; its example and the real server
		# send a plain string (x-doc-discrepancy), one of the values of ZStack's project states.
		200  inventory.state                 string  mandatory  Enabled|Disabled|Retired|Deleted|LoginExpired
		200  inventory.attributes            array   -
		200  inventory.attributes[]          object  -
		200  inventory.attributes[].uuid     string  -
		200  inventory.attributes[].name     string  -
		200  inventory.attributes[].value    string  -
		# AttributeType {name, ordinal} on the page; a plain string on the wire, as state (x-doc-discrepancy).
		200  inventory.attributes[].type     string  -
		# Not on the page, which says Synchronous: a real node answers 202 and finishes later
		# (x-doc-discrepancy).
		202  location                        string  mandatory
		202  apiTimeout                      integer -
		# The page lists error {code, description, details, elaboration, opaque, cause} in the 200
		# answer; a success carries inventory only and a failure is a non-2xx {error}
		# (x-doc-discrepancy), so the error fields are checked in every error status. All are marked
		# Required, but the server omits the null ones: only code is always there (x-doc-discrepancy).
		400,401,403,404,503  error              object  mandatory
		400,401,403,404,503  error.code         string  mandatory
		400,401,403,404,503  error.description  string  -
		400,401,403,404,503  error.details      string  -
		400,401,403,404,503  error.elaboration  string  -
		# LinkedHashMap on the page: a JSON object.
		400,401,403,404,503  error.opaque       object  -
		# ErrorCode on the page: the same object, nested.
		400,401,403,404,503  error.cause        object  -
	`},
	{"UpdateTenantConfig", "003_d2f3f67f5f884cb4.txt", `
		path  project_id                      string  mandatory
		body  function_config                 object  optional
		body  function_config.id              string  optional
		body  function_config.name            string  optional
		body  function_config.status          string  optional  ON|OFF
		body  function_config.values          array   optional
		body  function_config.values[]        object  -
		body  function_config.values[].key    string  optional
		body  function_config.values[].value  string  optional
		204   -
		400,401,403,404,500  error_code                     string  -
		400,401,403,404,500  error_msg                      string  -
		400,401,403,404,500  error_detail                   string  -
		400,401,403,404,500  encoded_authorization_message  string  -
	`},
	{"UpdateEnterpriseId", "004_ead8581c6d973fd2.txt", `
		path    project_id     string  mandatory
		header  X-Auth-Token   string  optional
		header  Content-Type   string  mandatory
		body    enterprise_id  string  mandatory
		200     enterprise_id  string  -
		400,401,403,404,500  error_code                     string  -
		400,401,403,404,500  error_msg                      string  -
		400,401,403,404,500  encoded_authorization_message  string  -
	`},
	// The two operations a ZStack client needs to reach ChangeIAM2ProjectState have no seed
	// page; their rows come from CONTEXT.md sections 1 and 2.
	{"LogInByAccount", "", `
		body  logInByAccount              object  mandatory
		body  logInByAccount.accountName  string  mandatory
		body  logInByAccount.password     string  mandatory
		200   inventory                   object  mandatory
		200   inventory.uuid              string  mandatory
	`},
	{"GetAPIJobResult", "", `
		path  uuid        string   mandatory
		202   location    string   mandatory
		202   apiTimeout  integer  -
		200   inventory   object   -
	`}, // The read operations behind --allow-mutations' restore have no seed page either; their
	// rows are the fields the runner reads, as the official SDKs name them.
	{"ListTenantProfile", "", `
		path  project_id      string  mandatory
		200   service_status  string  -
	`},
	{"ListTenantConfigs", "", `
		path  project_id        string  mandatory
		200   function_configs  array   -
	`},
	{"ListWorkspaces", "", `
		path  project_id     string  mandatory
		200   enterprise_id  string  -
	`},
	{"QueryIAM2Project", "", `
		path  uuid         string  mandatory
		200   inventories  array   mandatory
	`},
	{"LogOut", "", `
		path  uuid  string  mandatory
	`},
}

const getUserActiveTenantFields = `
		# The page gives Tid's type and not its place: an RPC parameter travels in the query.
		query  Tid                integer/int64  optional
		200    Tenant             object         -
		200    Tenant.Status      string         -  ACTIVE|IN_ACTIVE
		200    Tenant.Tid         integer/int64  -
		200    Tenant.TenantName  string         -
		200    RequestId          string         -
		200    ErrorCode          string         -
		200    ErrorMessage       string         -
		200    Success            boolean        -
		# The page's sample response contradicts this table (Tid 0, and ErrorCode with Success true);
		# the spec keeps the sample verbatim as an example and records it (x-doc-discrepancy).
`

// A fieldRow is one row of seedFields, for one place (a status row with several statuses
// becomes one row each).
type fieldRow struct {
	op       string
	where    string // path, header, query, body, or a status
	status   int    // when where is a status
	name     string
	typ      string
	format   string
	presence string // mandatory, optional, or -
	enum     []string
	noBody   bool
}

func (r fieldRow) String() string {
	if r.noBody {
		return fmt.Sprintf("%s %d no body", r.op, r.status)
	}
	return fmt.Sprintf("%s %s %s", r.op, r.where, r.name)
}

// parseFieldRows reads one operation's rows.
func parseFieldRows(op, rows string) ([]fieldRow, error) {
	var out []fieldRow
	for i, line := range strings.Split(rows, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Fields(line)
		bad := func(why string) error { return fmt.Errorf("%s row %d %q: %s", op, i, line, why) }
		var r fieldRow
		r.op = op
		switch {
		case len(cols) == 2 && cols[1] == "-":
			r.noBody = true
		case len(cols) == 4 || len(cols) == 5:
			r.name, r.presence = cols[1], cols[3]
			r.typ, r.format, _ = strings.Cut(cols[2], "/")
			if len(cols) == 5 {
				r.enum = strings.Split(cols[4], "|")
			}
		default:
			return nil, bad("want <where> <name> <type> <presence> [<enum>]")
		}
		if !slices.Contains([]string{"mandatory", "optional", "-", ""}, r.presence) {
			return nil, bad("presence is mandatory, optional or -")
		}
		switch cols[0] {
		case "path", "header", "query", "body":
			if r.noBody {
				return nil, bad("only a status can have no body")
			}
			r.where = cols[0]
			out = append(out, r)
			continue
		}
		for _, s := range strings.Split(cols[0], ",") {
			status, err := strconv.Atoi(s)
			if err != nil || status < 100 || status > 599 {
				return nil, bad("where is path, header, query, body, or statuses")
			}
			r.where, r.status = s, status
			out = append(out, r)
		}
	}
	return out, nil
}

var _ = Describe("the fields of the seed pages", func() {
	var entries []TableEntry
	for _, t := range seedFields {
		rows, err := parseFieldRows(t.op, t.rows)
		if err != nil {
			It("has a readable table for "+t.op, func() { Expect(err).NotTo(HaveOccurred()) })
			continue
		}
		for _, r := range rows {
			entries = append(entries, Entry(r.String(), r))
		}
	}
	DescribeTable("are in the spec, with the page's type, enum and presence", checkField, entries)

	It("cover every operation, each from its own seed page", func() {
		var tabled []string
		for _, t := range seedFields {
			tabled = append(tabled, t.op)
			seed, _ := operation(t.op).Route.Operation.Extensions["x-seed"].(string)
			Expect(seed).To(Equal(t.seed), "x-seed of %s", t.op)
		}
		var all []string
		for _, op := range embedded.Operations {
			all = append(all, op.ID)
		}
		Expect(tabled).To(ConsistOf(all))
	})
})

func checkField(r fieldRow) {
	op := operation(r.op)
	switch r.where {
	case "path", "header", "query":
		p := parameter(op.Route, r.where, r.name)
		Expect(p).NotTo(BeNil(), "no %s parameter %s", r.where, r.name)
		switch r.presence {
		case "mandatory":
			Expect(p.Required).To(BeTrue(), "the page makes %s mandatory", r.name)
		case "optional":
			Expect(p.Required).To(BeFalse(), "the page makes %s optional", r.name)
		}
		Expect(p.Schema).NotTo(BeNil(), "%s has no schema", r.name)
		Expect(sameType(p.Schema.Value, r)).To(Succeed(), r.name)
	case "body":
		body := op.Route.Operation.RequestBody
		Expect(body).NotTo(BeNil(), "no request body")
		media := body.Value.Content.Get("application/json")
		Expect(media).NotTo(BeNil(), "no application/json request body")
		Expect(media.Schema).NotTo(BeNil(), "the request body has no schema")
		Expect(sameField(media.Schema.Value, r)).To(Succeed())
	default:
		resp, ok := op.Responses[r.status]
		Expect(ok).To(BeTrue(), "status %d is not documented", r.status)
		if r.noBody {
			Expect(resp.HasBody()).To(BeFalse(), "status %d has content", r.status)
			return
		}
		Expect(resp.Schema).NotTo(BeNil(), "status %d has no JSON schema", r.status)
		Expect(sameField(resp.Schema, r)).To(Succeed())
	}
}

// parameter finds a parameter of an operation or its path item; header names ignore case.
func parameter(route *routers.Route, in, name string) *openapi3.Parameter {
	for _, params := range []openapi3.Parameters{route.Operation.Parameters, route.PathItem.Parameters} {
		for _, ref := range params {
			p := ref.Value
			if p == nil || p.In != in {
				continue
			}
			if p.Name == name || (in == "header" && strings.EqualFold(p.Name, name)) {
				return p
			}
		}
	}
	return nil
}

// sameField checks a body field of r against root: present, typed, enumerated and required
// as the page says.
func sameField(root *openapi3.Schema, r fieldRow) error {
	parent, name, field, err := resolve(root, r.name)
	if err != nil {
		return err
	}
	required := slices.Contains(parent.Required, name)
	switch {
	case r.presence == "mandatory" && !required:
		return fmt.Errorf("%s: the page makes it mandatory, the spec does not require it", r.name)
	case r.presence == "optional" && required:
		return fmt.Errorf("%s: the page makes it optional, the spec requires it", r.name)
	}
	if err := sameType(field, r); err != nil {
		return fmt.Errorf("%s: %w", r.name, err)
	}
	return nil
}

// sameType checks a schema's type, format and enum against a row.
func sameType(s *openapi3.Schema, r fieldRow) error {
	if s.Type == nil || !s.Type.Is(r.typ) {
		var got []string
		if s.Type != nil {
			got = s.Type.Slice()
		}
		return fmt.Errorf("type is %v, the page says %s", got, r.typ)
	}
	if r.format != "" && s.Format != r.format {
		return fmt.Errorf("format is %q, the page says %s", s.Format, r.format)
	}
	var enum []string
	for _, v := range s.Enum {
		enum = append(enum, fmt.Sprint(v))
	}
	want := slices.Clone(r.enum)
	slices.Sort(enum)
	slices.Sort(want)
	if !slices.Equal(enum, want) {
		return fmt.Errorf("enum is %v, the page says %v", enum, want)
	}
	return nil
}

// resolve follows a dotted path ("function_config.values[].key") from root through object
// properties, "x[]" stepping into the items of array x. It returns the object holding the last
// property, that property's name, and the schema the path names.
func resolve(root *openapi3.Schema, dotted string) (parent *openapi3.Schema, name string, field *openapi3.Schema, err error) {
	field = root
	for seg := range strings.SplitSeq(dotted, ".") {
		prop, items := strings.CutSuffix(seg, "[]")
		if field == nil {
			return nil, "", nil, errors.New(dotted + ": the spec has no schema on the way")
		}
		ref := field.Properties[prop]
		if ref == nil || ref.Value == nil {
			return nil, "", nil, fmt.Errorf("%s: no property %q (there are %v)", dotted, prop, slices.Sorted(maps.Keys(field.Properties)))
		}
		parent, name, field = field, prop, ref.Value
		if items {
			if field.Type == nil || !field.Type.Is("array") || field.Items == nil {
				return nil, "", nil, fmt.Errorf("%s: %s is not an array with items", dotted, prop)
			}
			field = field.Items.Value
		}
	}
	if field == nil {
		return nil, "", nil, errors.New(dotted + ": no schema")
	}
	return parent, name, field, nil
}
