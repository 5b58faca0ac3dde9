package dev.imageclassifier.fetch;

import org.junit.jupiter.api.Test;

import java.net.Authenticator;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentProxySelectorTest {

    static String proxyOf(EnvironmentProxySelector selector, String url) {
        Proxy proxy = selector.select(URI.create(url)).get(0);
        if (proxy.type() == Proxy.Type.DIRECT) {
            return "DIRECT";
        }
        InetSocketAddress address = (InetSocketAddress) proxy.address();
        return address.getHostString() + ":" + address.getPort();
    }

    @Test
    void eachSchemeUsesItsOwnVariableAndLowercaseWins() {
        EnvironmentProxySelector selector = EnvironmentProxySelector.of(Map.of(
                "HTTPS_PROXY", "http://upper.example:1111",
                "https_proxy", "http://secure.example:3128",
                "HTTP_PROXY", "plain.example:8080"), null);

        assertThat(proxyOf(selector, "https://github.com/onnx/models")).isEqualTo("secure.example:3128");
        assertThat(proxyOf(selector, "http://mirror.example/file.zip")).isEqualTo("plain.example:8080");
    }

    @Test
    void noProxyEntriesSendMatchingHostsDirect() {
        EnvironmentProxySelector selector = EnvironmentProxySelector.of(Map.of(
                "https_proxy", "http://proxy.example:3128",
                "no_proxy", "localhost, .internal.example,caltech.edu ,mirror.example:8443"), null);

        assertThat(proxyOf(selector, "https://localhost/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(selector, "https://files.internal.example/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(selector, "https://internal.example/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(selector, "https://data.caltech.edu/records")).isEqualTo("DIRECT");
        assertThat(proxyOf(selector, "https://notcaltech.edu/x")).isEqualTo("proxy.example:3128");
        assertThat(proxyOf(selector, "https://mirror.example:8443/x")).isEqualTo("DIRECT");
        assertThat(proxyOf(selector, "https://mirror.example/x")).as("other port").isEqualTo("proxy.example:3128");
        assertThat(proxyOf(selector, "https://github.com/x")).isEqualTo("proxy.example:3128");
    }

    @Test
    void aStarInNoProxyDisablesProxies() {
        EnvironmentProxySelector selector = EnvironmentProxySelector.of(Map.of("HTTPS_PROXY", "http://proxy.example:3128", "NO_PROXY", "*"), null);

        assertThat(proxyOf(selector, "https://github.com/x")).isEqualTo("DIRECT");
    }

    @Test
    void urlsNoVariableCoversGoToJavasOwnSelector() {
        Proxy javaProxy = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("java.example", 9999));
        ProxySelector fallback = new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(javaProxy);
            }

            @Override
            public void connectFailed(URI uri, java.net.SocketAddress sa, java.io.IOException ioe) {
            }
        };
        EnvironmentProxySelector selector = EnvironmentProxySelector.of(Map.of("http_proxy", "http://plain.example:8080"), fallback);

        assertThat(proxyOf(selector, "https://github.com/x")).isEqualTo("java.example:9999");
        assertThat(proxyOf(selector, "http://github.com/x")).isEqualTo("plain.example:8080");
        assertThat(proxyOf(EnvironmentProxySelector.of(Map.of(), null), "https://github.com/x")).isEqualTo("DIRECT");
    }

    @Test
    void credentialsInTheProxyUrlAnswerTheProxysLoginOnly() throws Exception {
        Authenticator authenticator = EnvironmentProxySelector.of(
                Map.of("https_proxy", "http://user:pa%3Ass@proxy.example:3128"), null).authenticator().orElseThrow();

        PasswordAuthentication login = authenticator.requestPasswordAuthenticationInstance("proxy.example", null, 3128, "http",
                "login", "basic", new URL("https://github.com/x"), Authenticator.RequestorType.PROXY);
        assertThat(login.getUserName()).isEqualTo("user");
        assertThat(new String(login.getPassword())).isEqualTo("pa:ss");
        assertThat(authenticator.requestPasswordAuthenticationInstance("github.com", null, 443, "https",
                "login", "basic", new URL("https://github.com/x"), Authenticator.RequestorType.SERVER)).isNull();
        assertThat(EnvironmentProxySelector.of(Map.of("https_proxy", "http://proxy.example:3128"), null).authenticator()).isEmpty();
    }

    @Test
    void unusableProxySettingsAreReportedWithTheVariableName() {
        assertThatThrownBy(() -> EnvironmentProxySelector.of(Map.of("HTTPS_PROXY", "socks5://proxy.example:1080"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTPS_PROXY=socks5://proxy.example:1080")
                .hasMessageContaining("only http:// proxies");
        assertThatThrownBy(() -> EnvironmentProxySelector.of(Map.of("no_proxy", "host:port"), null))
                .hasMessageContaining("NO_PROXY entry 'host:port'");
    }
}
