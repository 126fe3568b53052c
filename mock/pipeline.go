package mock

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/conformance-suite/conformance/specs"
)

// maxRequestBody bounds what the target reads of a request: every documented body is a few
// hundred bytes, and a reference target must not be the thing that runs out of memory.
const maxRequestBody = 1 << 20

// fallbackProvider answers a path no spec claims. Every Huawei API sits behind one gateway
// that answers unknown paths with APIGW.0101, the most generic refusal of the three.
const fallbackProvider = "huaweicloud"

// ServeHTTP answers one request in the order of the real gateways: route, authentication,
// mandatory Content-Type, request validation (less what a lenient mode ignores), handler. The
// order matters to a client: a request with bad credentials and a bad body is refused for its
// credentials.
func (m *mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, params, miss := m.routes.Route(r)
	provider := ""
	if miss != nil {
		provider = miss.Provider
	} else {
		provider = op.Provider
	}
	if provider == "huaweicloud" {
		// Huawei's gateway tags every answer; the SDK reads the request id only from here.
		w.Header().Set("X-Request-Id", newUUID())
	}
	if miss != nil {
		p, ok := m.provs[miss.Provider]
		if !ok {
			p = m.provs[fallbackProvider]
		}
		m.answer(w, r, nil, p.render(nil, r, p.notFound(r, miss)))
		return
	}
	p, ep := m.provs[op.Provider], m.handlers[op.ID]
	f := m.faultFor(op)
	refuse := func(e *apiError) { m.answer(w, r, op, p.render(op, r, e)) }

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			refuse(p.invalid(op, fmt.Sprintf("the request body is larger than %d bytes", maxRequestBody)))
		} else {
			refuse(p.invalid(op, "reading the request body: "+err.Error()))
		}
		return
	}
	// The verifiers may read the body again (Alibaba signs form parameters).
	r.Body = io.NopCloser(bytes.NewReader(body))

	if op.Secured && !f.skipsAuth() {
		if e := p.authenticate(r, body); e != nil {
			refuse(e)
			return
		}
	}
	if !f.skipsValidation() {
		if op.ContentTypeRequired && r.Header.Get("Content-Type") == "" && !m.lenient.contentType {
			refuse(p.invalid(op, "the Content-Type header is mandatory for this operation"))
			return
		}
		if ep.normalise != nil {
			body = ep.normalise(body)
		}
		var reason string
		if body, reason = m.validateRequest(r, op, params, body); reason != "" {
			refuse(p.invalid(op, reason))
			return
		}
	}
	if reason := f.refuses(body); reason != "" {
		refuse(p.invalid(op, reason))
		return
	}
	m.answer(w, r, op, ep.handle(&call{op: op, r: r, params: params, body: body}))
}

// answer lets the lenient modes and then the fault in force, if it concerns op, rewrite the
// answer, and the fault deliver it: a fault breaks its contract point on the lenient answer.
func (m *mock) answer(w http.ResponseWriter, r *http.Request, op *specs.Operation, rep reply) {
	if m.lenient.extraResponseFields {
		addUndocumentedFields(&rep)
	}
	f := m.faultFor(op)
	if f != nil && f.rewrite != nil {
		f.rewrite(&rep)
	}
	if f != nil && f.deliver != nil {
		f.deliver(m, w, r, rep)
		return
	}
	writeReply(w, rep)
}

// writeReply writes an answer as net/http would for any handler.
func writeReply(w http.ResponseWriter, rep reply) {
	if rep.contentType != "" {
		w.Header().Set("Content-Type", rep.contentType)
	}
	w.WriteHeader(rep.status)
	if len(rep.body) > 0 {
		_, _ = w.Write(rep.body) // the client went away: nothing left to tell it
	}
}
