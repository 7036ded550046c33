package io.facestream.deploy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one process) run as a child JVM from the
 * kafka_2.13 jar on this JVM's classpath. Its log directories live under {@code dataDir}: delete the folder to
 * start from nothing. The storage is formatted once (Kafka refuses to re-format with another cluster id).
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private ChildProcess process;

    public LocalKafkaBroker(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public void start(long timeoutMs) throws IOException, InterruptedException {
        Files.createDirectories(dataDir.resolve("logs"));
        Path properties = writeProperties();
        if (!Files.exists(dataDir.resolve("data").resolve("meta.properties"))) {
            ChildProcess format = ChildProcess.start("kafka-format", List.of(ChildProcess.javaBinary(), "-cp",
                            System.getProperty("java.class.path"), "kafka.tools.StorageTool", "format",
                            "-t", UUID.randomUUID().toString().replace("-", "").substring(0, 22),
                            "-c", properties.toString(), "--standalone"),
                    Map.of(), dataDir, dataDir.resolve("logs").resolve("kafka-format.log"));
            int code = format.waitFor(120_000);
            if (code != 0) {
                throw new IllegalStateException("formatting Kafka storage failed (exit " + code + "); see "
                        + format.log());
            }
        }
        // setsid: its own session, so the terminal's Ctrl-C does not stop the broker before the services
        process = ChildProcess.start("kafka", List.of("setsid", ChildProcess.javaBinary(), "-Xmx512m",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-cp",
                        System.getProperty("java.class.path"), BrokerMain.class.getName(),
                        String.valueOf(ProcessHandle.current().pid()), properties.toString()),
                Map.of(), dataDir, dataDir.resolve("logs").resolve("kafka.log"));
        awaitReady(timeoutMs);
    }

    private Path writeProperties() throws IOException {
        String props = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + controllerPort,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + dataDir.resolve("data").toAbsolutePath(),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "group.initial.rebalance.delay.ms=0",
                "message.max.bytes=" + 64 * 1024 * 1024,
                "");
        Path file = dataDir.resolve("server.properties");
        Files.writeString(file, props);
        return file;
    }

    private void awaitReady(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited during start; see " + process.log());
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
                admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(300);
            }
        }
        throw new IllegalStateException("Kafka not ready within " + timeoutMs + " ms (" + last + "); see "
                + process.log());
    }

    /** SIGKILL: no clean shutdown (what the process wrote stays in the OS); {@link #start} starts it again on the same logs. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
