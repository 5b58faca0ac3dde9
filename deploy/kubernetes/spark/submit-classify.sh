#!/usr/bin/env sh
# Batch classification on Spark on Kubernetes (cluster mode): the driver and the executors run in pods of the
# image built by deploy/kubernetes/spark/Dockerfile; the job jar and the model are already in it (local://),
# images are read from and labels written to object storage (s3a://; hdfs:// works the same way).
#   kubectl apply -f deploy/kubernetes/spark/rbac.yaml
#   K8S_API=https://my-cluster:6443 IMAGES=s3a://photos/2026 OUTPUT=s3a://photos-labels/2026 deploy/kubernetes/spark/submit-classify.sh
set -eu
exec "${SPARK_HOME:?set SPARK_HOME to a Spark 4.2 installation}/bin/spark-submit" \
  --master "k8s://${K8S_API:?set K8S_API to the cluster API server URL}" \
  --deploy-mode cluster \
  --name image-classifier-classify \
  --class dev.imageclassifier.spark.SparkMain \
  --conf spark.kubernetes.container.image="${IMAGE:-image-classifier-spark:1.0.0}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName=image-classifier-spark \
  --conf spark.executor.instances="${EXECUTORS:-4}" \
  --conf spark.executor.cores=4 \
  --conf spark.kubernetes.executor.request.cores=4 \
  --conf spark.executor.memory=2g \
  --conf spark.executor.memoryOverhead=1g \
  --conf spark.driver.memory=1g \
  local:///opt/image-classifier/image-classifier-spark.jar \
  classify "${IMAGES:?set IMAGES to the input folder or glob}" -o "${OUTPUT:?set OUTPUT to the output folder}" \
  --model local:///opt/image-classifier/model/classifier.onnx
