using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartPole.Mqtt.Tests;

/// <summary>
/// A private CA made for one test, and a server certificate it signed for 127.0.0.1 / localhost, written
/// as PEM files a real broker can load.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private TestCertificateAuthority(X509Certificate2 root, string certFile, string keyFile)
    {
        Root = root;
        ServerCertificateFile = certFile;
        ServerKeyFile = keyFile;
    }

    /// <summary>The CA certificate clients trust.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>PEM file of the server certificate.</summary>
    public string ServerCertificateFile { get; }

    /// <summary>PEM file of the server's private key.</summary>
    public string ServerKeyFile { get; }

    /// <summary>Creates the CA and the server certificate and writes them to <paramref name="folder"/>.</summary>
    public static TestCertificateAuthority Create(string folder)
    {
        var now = DateTimeOffset.UtcNow;
        // P-256 keys: made in a moment, where RSA key generation takes seconds on a busy machine.
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=SmartPole test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var root = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(root, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4, 5, 6, 7, 8]);

        var certFile = Path.Combine(folder, "server.crt");
        var keyFile = Path.Combine(folder, "server.key");
        File.WriteAllText(certFile, server.ExportCertificatePem());
        File.WriteAllText(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return new TestCertificateAuthority(root, certFile, keyFile);
    }

    /// <summary>Mosquitto configuration lines for a TLS listener on 127.0.0.1:<paramref name="port"/> with this server certificate.</summary>
    public string[] MosquittoListener(int port) => [$"listener {port} 127.0.0.1", $"certfile {ServerCertificateFile}", $"keyfile {ServerKeyFile}"];

    /// <inheritdoc />
    public void Dispose() => Root.Dispose();
}
