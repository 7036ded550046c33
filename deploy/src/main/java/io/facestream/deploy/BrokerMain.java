package io.facestream.deploy;

/**
 * Entry point of the local broker's child JVM: Kafka's own main, plus a watchdog that stops the broker when the
 * launcher is gone (so even a killed launcher leaves no broker behind). The launcher starts this JVM in its own
 * session, so a Ctrl-C in the terminal reaches the services first and the broker outlives them until the launcher
 * stops it: services can then close their Kafka clients cleanly.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain <launcher pid> <server.properties>");
            System.exit(2);
        }
        long launcherPid = Long.parseLong(args[0]);
        Thread watchdog = new Thread(() -> {
            while (ProcessHandle.of(launcherPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("launcher " + launcherPid + " is gone: stopping the broker");
            System.exit(0); // runs Kafka's shutdown hook
        }, "launcher-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(new String[]{args[1]});
    }
}
