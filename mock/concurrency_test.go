package mock_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/conformance-suite/conformance/mock"
)

// 1,000 requests from 50 goroutines, mixing writes to the Huawei and ZStack state: every answer
// must be its own request's (its own enterprise id, the state its own event produced), none
// lost. Run it under -race.
func TestConcurrentRequests(t *testing.T) {
	const workers, perWorker = 50, 20
	tg := newTarget(t, mock.Options{})
	tg.client.Transport.(*http.Transport).MaxIdleConnsPerHost = workers

	var wg sync.WaitGroup
	answered := make(chan string, workers*perWorker)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range perWorker {
				if k%2 == 0 {
					id := fmt.Sprintf("ent-%02d-%02d", w, k)
					ex, err := tg.trySend(t, req{op: "UpdateEnterpriseId", body: `{"enterprise_id":"` + id + `"}`})
					switch {
					case err != nil:
						t.Errorf("%s: %v", id, err)
					case ex.status != 200 || string(ex.body) != `{"enterprise_id":"`+id+`"}`:
						t.Errorf("%s answered %d %s", id, ex.status, ex.body)
					default:
						answered <- id
					}
					continue
				}
				event, want := "enable", "Enabled"
				if (w+k)%4 == 1 {
					event, want = "disable", "Disabled"
				}
				ex, err := tg.trySend(t, req{op: "ChangeIAM2ProjectState", body: `{"changeIAM2ProjectState":{"stateEvent":"` + event + `"}}`})
				switch {
				case err != nil:
					t.Errorf("%s: %v", event, err)
				case ex.status != 200 || !strings.Contains(string(ex.body), `"state":"`+want+`"`):
					t.Errorf("%s answered %d %s, want state %s", event, ex.status, ex.body, want)
				default:
					answered <- event
				}
			}
		}()
	}
	wg.Wait()
	close(answered)
	seen := map[string]bool{}
	n := 0
	for a := range answered {
		n++
		if strings.HasPrefix(a, "ent-") {
			if seen[a] {
				t.Errorf("%s answered twice", a)
			}
			seen[a] = true
		}
	}
	if n != workers*perWorker || len(seen) != workers*perWorker/2 {
		t.Errorf("%d right answers (%d distinct enterprise ids), want %d (%d)", n, len(seen), workers*perWorker, workers*perWorker/2)
	}
}
