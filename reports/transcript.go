package reports

import (
	"fmt"
	"slices"
	"strings"
)

// RequestText renders the request side of the exchange like curl -v: "> " before the request
// line and each header, then the body. Headers are sorted so that two reports of the same run
// read the same.
func (x *Exchange) RequestText() string {
	if x == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", x.Request.Method, x.Request.URL)
	writeMessage(&b, "> ", x.Request)
	return b.String()
}

// ResponseText renders the answer like curl -v ("< " before the status and each header, then
// the body), or the transport error when no answer came.
func (x *Exchange) ResponseText() string {
	if x == nil {
		return ""
	}
	var b strings.Builder
	if x.Response != nil {
		fmt.Fprintf(&b, "< %d\n", x.Response.Status)
		writeMessage(&b, "< ", *x.Response)
	}
	if x.Error != "" {
		fmt.Fprintf(&b, "! no complete answer: %s\n", x.Error)
	}
	return b.String()
}

// Text is the whole transcript: request, a blank line, answer.
func (x *Exchange) Text() string {
	if x == nil {
		return ""
	}
	return x.RequestText() + "\n" + x.ResponseText()
}

func writeMessage(b *strings.Builder, prefix string, m Message) {
	names := make([]string, 0, len(m.Headers))
	for name := range m.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range m.Headers[name] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, name, v)
		}
	}
	b.WriteString(strings.TrimRight(prefix, " ") + "\n")
	if m.Body != "" {
		b.WriteString(m.Body)
		if !strings.HasSuffix(m.Body, "\n") {
			b.WriteByte('\n')
		}
	}
	// The runner truncates bodies (and marks the cut with "…"); say how large the real one was.
	if m.BodyBytes != len(m.Body) {
		fmt.Fprintf(b, "[body: %d bytes]\n", m.BodyBytes)
	}
}
