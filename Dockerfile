# syntax=docker/dockerfile:1
# Two Debian bookworm stages: Debian's JDK 17 and Maven build the runnable jar (dependencies cached in a layer of
# their own), Debian's headless JRE 17 runs it as a non-root user (uid 10001).
#
# Base images are named in full (registry/namespace/name), so Docker, Podman and Buildah resolve them alike. For a
# reproducible build, pin them by digest, e.g. the index digest Docker resolved for bookworm-slim in late 2026:
#   docker build \
#     --build-arg BUILD_IMAGE=docker.io/library/debian:bookworm-slim@sha256:3783cc01769c7b2b1b83a5c5ad96c815348e28ed7da68e2e3687004faa906251 \
#     --build-arg RUNTIME_IMAGE=docker.io/library/debian:bookworm-slim@sha256:3783cc01769c7b2b1b83a5c5ad96c815348e28ed7da68e2e3687004faa906251 .
# (`docker buildx imagetools inspect docker.io/library/debian:bookworm-slim` shows today's.) On machines that cannot
# pull images, scripts/ci/container-test.sh builds this same file from local bookworm images made with mmdebstrap, which
# already hold the packages installed below (the install steps then do nothing).
ARG BUILD_IMAGE=docker.io/library/debian:bookworm-slim
ARG RUNTIME_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
RUN if ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then \
        apt-get update \
        && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
        && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
# Dependencies change less often than sources: resolve them in a layer of their own.
COPY pom.xml .
COPY library/pom.xml library/
COPY server/pom.xml server/
COPY cli/pom.xml cli/
COPY benchmarks/pom.xml benchmarks/
# The reactor lists the spark module too: its pom must be there, but the image builds the CLI and what it needs.
COPY spark/pom.xml spark/
# (the project's own modules are built below, not downloaded)
RUN mvn -B -q -pl cli -am org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline -DexcludeGroupIds=dev.imageclassifier
COPY library/src ./library/src
COPY server/src ./server/src
COPY cli/src ./cli/src
# The runnable jar of the CLI (server included, no Spark), without compiling the tests.
RUN mvn -B -q -pl cli -am -Dmaven.test.skip=true package

FROM ${RUNTIME_IMAGE}
# The JRE, and libjpeg-turbo for decoding large JPEGs at a reduced scale (installed unless the base has them).
RUN missing=""; \
    command -v java >/dev/null || missing="openjdk-17-jre-headless"; \
    dpkg -s libturbojpeg0 >/dev/null 2>&1 || missing="$missing libturbojpeg0"; \
    if [ -n "$missing" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends $missing \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --gid 10001 app \
    && useradd --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /src/cli/target/image-classifier.jar /app/image-classifier.jar
COPY --chown=app:app model/classifier.onnx /app/model/classifier.onnx
COPY --chown=app:app results/metrics.json /app/results/metrics.json
RUN mkdir -p /app/data /app/cache && chown app:app /app/data /app/cache
USER app
# Copy ONNX Runtime's native libraries into the cache once, here, instead of into /tmp at every start.
RUN IMAGE_CLASSIFIER_CACHE=/app/cache java -cp /app/image-classifier.jar dev.imageclassifier.model.OnnxRuntimeLibraries

# Container-aware heap: a share of the container's memory limit, not of the host's.
# JNA (the libjpeg-turbo binding) unpacks its small native helper into the writable cache folder.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -Djna.tmpdir=/app/cache/jna" \
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
