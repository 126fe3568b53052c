package interop_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// zstackClient sends what ZStack's own Go client sends (zstack-sdk-go, the SDK of ZStack's
// Terraform modules, pkg/client/zstack_http_client.go). That SDK is not in the Go module
// proxy, so it cannot be imported like the others; this restates its wire behaviour, and
// nothing more:
//   - login: PUT {base}/zstack/v1/accounts/login, no credentials, the body
//     {"logInByAccount": {"accountName", "password": <SHA-512 hex of the password>}};
//   - every other call: Authorization "OAuth <session>" and X-Session-Id "<session>";
//   - every call with a JSON body: Content-Type "application/json; charset=utf-8";
//   - an answer with a location: GET that location with the same headers until a 200 (202 is
//     still running), first replacing its host with the configured one when they differ, so
//     that a job behind a proxy or a load balancer is polled where the client was pointed.
type zstackClient struct {
	base    *url.URL
	http    *http.Client
	session string
}

// zstackPollInterval is how long the client waits between polls of a running job (the SDK's
// retryInterval is in seconds; here the target finishes jobs in milliseconds).
const zstackPollInterval = 20 * time.Millisecond

// zstackPolls bounds the polls of one job, as the SDK's retryTimes does.
const zstackPolls = 100

// newZStackClient is a client of the management node at base sending with hc.
func newZStackClient(base string, hc *http.Client) (*zstackClient, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	return &zstackClient{base: u, http: hc}, nil
}

// logIn opens a session for account.
func (z *zstackClient) logIn(account, password string) error {
	sum := sha512.Sum512([]byte(password))
	body := map[string]any{"logInByAccount": map[string]string{"accountName": account, "password": hex.EncodeToString(sum[:])}}
	status, answer, err := z.send(http.MethodPut, z.base.JoinPath("/zstack/v1/accounts/login").String(), body)
	if err != nil {
		return err
	}
	var reply struct {
		Inventory struct {
			UUID string `json:"uuid"`
		} `json:"inventory"`
	}
	if status != http.StatusOK || json.Unmarshal(answer, &reply) != nil || reply.Inventory.UUID == "" {
		return fmt.Errorf("login: %d %s", status, answer)
	}
	z.session = reply.Inventory.UUID
	return nil
}

// changeProjectState is ChangeIAM2ProjectState: the action, then the job polled to its end.
// It returns the final answer's status and body.
func (z *zstackClient) changeProjectState(project, event string) (int, []byte, error) {
	body := map[string]any{"changeIAM2ProjectState": map[string]string{"stateEvent": event}}
	status, answer, err := z.send(http.MethodPut, z.base.JoinPath("/zstack/v1/iam2/projects", project, "actions").String(), body)
	if err != nil {
		return 0, nil, err
	}
	var accepted struct {
		Location string `json:"location"`
	}
	if json.Unmarshal(answer, &accepted) != nil || accepted.Location == "" {
		return status, answer, nil
	}
	location, err := url.Parse(accepted.Location)
	if err != nil {
		return status, answer, fmt.Errorf("the job's location %q: %w", accepted.Location, err)
	}
	if location.Host != z.base.Host && strings.Contains(location.Path, "/zstack/v1/api-jobs") {
		location.Scheme, location.Host = z.base.Scheme, z.base.Host
	}
	for range zstackPolls {
		status, answer, err = z.send(http.MethodGet, location.String(), nil)
		if err != nil || status != http.StatusAccepted {
			return status, answer, err
		}
		time.Sleep(zstackPollInterval)
	}
	return status, answer, fmt.Errorf("the job at %s still runs after %d polls", location, zstackPolls)
}

// send makes one call with the session's headers and reads the whole answer.
func (z *zstackClient) send(method, target string, body any) (int, []byte, error) {
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, target, payload)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	if z.session != "" {
		req.Header.Set("Authorization", "OAuth "+z.session)
		req.Header.Set("X-Session-Id", z.session)
	}
	resp, err := z.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	return resp.StatusCode, answer, err
}
