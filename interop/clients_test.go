package interop_test

import (
	"net/http"
	"net/url"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	alisdk "github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	alicreds "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	dms "github.com/aliyun/alibaba-cloud-sdk-go/services/dms-enterprise"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	hwconfig "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	workspace "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspace/v2"
	workspaceapp "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/workspaceapp/v1"

	"github.com/conformance-suite/conformance/providers"
	"github.com/conformance-suite/conformance/providers/alibabacloud"
	"github.com/conformance-suite/conformance/providers/huaweicloud"
)

// aliRegion is the region the Alibaba clients are created for. The endpoint is always set
// explicitly, so the region never selects a host.
const aliRegion = "cn-hangzhou"

// sdkClients are the official SDK clients, configured as an application would configure them
// for a private endpoint: the endpoint and credentials given explicitly, no retries, a timeout,
// and, here, a transport that can reach loopback only.
type sdkClients struct {
	creds providers.Credentials
	// host is the target's host:port, which the Alibaba clients take as their domain.
	host string

	huaweiApp       *workspaceapp.WorkspaceAppClient // workspaceapp v1: InitializeTenant
	huaweiWorkspace *workspace.WorkspaceClient       // workspace v2: UpdateTenantConfig, UpdateEnterpriseId
	alibabaV1       *dms.Client                      // alibaba-cloud-sdk-go, signature V1
	alibabaV3       *openapi.Client                  // darabonba-openapi, signature V3
}

// newSDKClients builds every client against the service at base (an http:// URL), signing
// with creds; via, when not nil, is an HTTP proxy that every client sends through, as one
// configured with HTTP_PROXY does.
func newSDKClients(t *testing.T, base string, creds providers.Credentials, via *url.URL) *sdkClients {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		t.Fatalf("newSDKClients: %q is no http:// URL", base)
	}
	c := &sdkClients{creds: creds, host: u.Host}

	hwCred, err := basic.NewCredentialsBuilder().
		WithAk(creds.Get(huaweicloud.AccessKey)).
		WithSk(creds.Get(huaweicloud.SecretKey)).
		WithProjectId(creds.Get(huaweicloud.ProjectID)). // without it the SDK asks IAM for the project
		SafeBuild()
	if err != nil {
		t.Fatalf("huawei credentials: %v", err)
	}
	hwHTTP := hwconfig.DefaultHttpConfig().
		WithHttpTransport(loopbackTransport(via)).
		WithTimeout(callTimeout).
		WithRetries(0)
	appClient, err := workspaceapp.WorkspaceAppClientBuilder().
		WithEndpoints([]string{base}).WithCredential(hwCred).WithHttpConfig(hwHTTP).SafeBuild()
	if err != nil {
		t.Fatalf("huawei workspaceapp client: %v", err)
	}
	c.huaweiApp = workspaceapp.NewWorkspaceAppClient(appClient)
	wsClient, err := workspace.WorkspaceClientBuilder().
		WithEndpoints([]string{base}).WithCredential(hwCred).WithHttpConfig(hwHTTP).SafeBuild()
	if err != nil {
		t.Fatalf("huawei workspace client: %v", err)
	}
	c.huaweiWorkspace = workspace.NewWorkspaceClient(wsClient)

	v1Config := alisdk.NewConfig().
		WithAutoRetry(false).
		WithTimeout(callTimeout)
	v1Config.Transport = loopbackRoundTripper{loopbackTransport(via)}
	c.alibabaV1, err = dms.NewClientWithOptions(aliRegion, v1Config,
		alicreds.NewAccessKeyCredential(creds.Get(alibabacloud.KeyID), creds.Get(alibabacloud.KeySecret)))
	if err != nil {
		t.Fatalf("alibaba V1 client: %v", err)
	}
	t.Cleanup(c.alibabaV1.Shutdown)

	timeoutMS := int(callTimeout.Milliseconds())
	c.alibabaV3, err = openapi.NewClient(&openapiutil.Config{
		AccessKeyId:     dara.String(creds.Get(alibabacloud.KeyID)),
		AccessKeySecret: dara.String(creds.Get(alibabacloud.KeySecret)),
		Endpoint:        dara.String(u.Host),
		Protocol:        dara.String("HTTP"),
		RegionId:        dara.String(aliRegion),
		ReadTimeout:     dara.Int(timeoutMS),
		ConnectTimeout:  dara.Int(timeoutMS),
		HttpClient:      daraClient{loopbackClient(via)},
	})
	if err != nil {
		t.Fatalf("alibaba V3 client: %v", err)
	}
	return c
}

// daraClient sends darabonba's requests with loopbackClient, ignoring the transport darabonba
// built (which would honour proxy variables from the environment).
type daraClient struct{ c *http.Client }

func (d daraClient) Call(r *http.Request, _ *http.Transport) (*http.Response, error) {
	return d.c.Do(r)
}
