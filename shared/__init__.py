"""What every Omsorg service uses: settings, database, events, Kafka, telemetry, auth, clock."""
