# syntax=docker/dockerfile:1
# Two stages: Maven builds the runnable jar (dependencies cached in their own layer), a slim JRE runs it.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies change less often than sources: resolve them in a layer of their own.
COPY pom.xml .
COPY core/pom.xml core/
# The reactor lists the spark module too: its pom must be there, but the server image builds core only.
COPY spark/pom.xml spark/
RUN mvn -B -q -pl core dependency:go-offline
COPY core/src ./core/src
COPY model ./model
# The README's command 1, for the core module (the server's jar; no Spark).
RUN mvn -B -q -pl core -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system app && useradd --system --gid app --uid 10001 --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /src/core/target/image-classifier.jar /app/image-classifier.jar
COPY --chown=app:app model/classifier.onnx /app/model/classifier.onnx
COPY --chown=app:app results/metrics.json /app/results/metrics.json
RUN mkdir -p /app/data /app/cache && chown app:app /app/data /app/cache
USER app
# Copy ONNX Runtime's native libraries into the cache once, here, instead of into /tmp at every start.
RUN IMAGE_CLASSIFIER_CACHE=/app/cache java -jar /app/image-classifier.jar --version

# Container-aware heap: a share of the container's memory limit, not of the host's.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError" \
    API_HOST=0.0.0.0 \
    API_PORT=8000 \
    MODEL_PATH=/app/model/classifier.onnx \
    IMAGE_CLASSIFIER_CACHE=/app/cache \
    NO_PROGRESS=1
EXPOSE 8000

# No curl in the image: the jar itself probes /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["java", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", "/app/image-classifier.jar", "dev.imageclassifier.cli.HealthCheck"]

ENTRYPOINT ["java", "-jar", "/app/image-classifier.jar"]
CMD ["serve"]
