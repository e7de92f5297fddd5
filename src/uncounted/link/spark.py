"""The Spark backend: a local Spark session for Splink's SparkAPI.

Spark needs Java (Debian: ``apt-get install -y default-jre-headless``) and pyspark
(``pip install 'uncounted[spark]'``). In a cluster, create your own SparkSession
first; ``spark_api`` reuses the active session.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile

from uncounted.errors import LinkageError

__all__ = ["spark_available", "spark_api", "get_spark_session"]


def spark_available() -> str | None:
    """None if Spark can run here, else the reason it cannot."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'uncounted[spark]')"
    if shutil.which("java") is None:
        return "Java is not installed (Debian: apt-get install -y default-jre-headless)"
    return None


def get_spark_session():
    reason = spark_available()
    if reason:
        raise LinkageError(f"The Spark backend cannot run: {reason}.")
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.jars", similarity_jar_location())
        .appName("uncounted-link")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    checkpoints = tempfile.mkdtemp(prefix="uncounted-spark-")
    atexit.register(shutil.rmtree, checkpoints, ignore_errors=True)  # the session lives as long as the process
    session.sparkContext.setCheckpointDir(checkpoints)
    return session


def spark_api():
    from splink import SparkAPI

    session = get_spark_session()
    session.sparkContext.setLogLevel("ERROR")
    return SparkAPI(spark_session=session, break_lineage_method="persist", num_partitions_on_repartition=4)
