package reports_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// report.html is self-contained: no element that loads anything, one inline style and one
// inline script, and a Content-Security-Policy that admits exactly those two by their hashes.
// Every untrusted byte is escaped: the hostile transcript appears only as text.
func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	for _, tt := range reportsUnderTest {
		t.Run(tt.name, func(t *testing.T) {
			raw := read(t, writeAll(t, tt.r()), "report.html")
			doc, err := html.Parse(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			var scripts, styles []string
			var csp string
			for n := range doc.Descendants() {
				if n.Type != html.ElementNode {
					continue
				}
				switch n.Data {
				case "script":
					scripts = append(scripts, text(n))
				case "style":
					styles = append(styles, text(n))
				case "link", "img", "iframe", "object", "embed", "base", "audio", "video", "source", "frame", "svg", "math":
					t.Errorf("element <%s> in report.html", n.Data)
				case "meta":
					if attr(n, "http-equiv") == "Content-Security-Policy" {
						csp = attr(n, "content")
					}
					if strings.EqualFold(attr(n, "http-equiv"), "refresh") {
						t.Error("meta refresh in report.html")
					}
				}
				for _, a := range n.Attr {
					switch {
					case a.Key == "src" || a.Key == "href" || a.Key == "action" || a.Key == "srcset" || a.Key == "style":
						t.Errorf("<%s %s=%q>: report.html must load nothing and carry no inline style attribute", n.Data, a.Key, a.Val)
					case strings.HasPrefix(a.Key, "on"):
						t.Errorf("<%s %s>: event handler attribute (the CSP would block it)", n.Data, a.Key)
					}
				}
			}
			if len(scripts) != 1 || len(styles) != 1 {
				t.Fatalf("%d scripts and %d styles, want one each: something escaped the escaping", len(scripts), len(styles))
			}
			if strings.Contains(styles[0], "url(") || strings.Contains(styles[0], "@import") || strings.Contains(styles[0], "@font-face") {
				t.Error("the style loads something")
			}
			want := "default-src 'none'; style-src '" + hash(styles[0]) + "'; script-src '" + hash(scripts[0]) +
				"'; base-uri 'none'; form-action 'none'"
			if csp != want {
				t.Errorf("CSP\n %q\nwant\n %q", csp, want)
			}
			if tt.name == "failing" {
				for _, s := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&lt;img src=&#34;http://evil.test/i.png&#34;&gt;", "&lt;/pre&gt;&lt;/textarea&gt;"} {
					if !bytes.Contains(raw, []byte(s)) {
						t.Errorf("the hostile transcript is not rendered escaped: no %s", s)
					}
				}
			}
		})
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(c.Data)
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
