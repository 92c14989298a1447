"""Validate an MLflow model: it loads, it predicts on its own input example, and (given labelled
data with a `label` column) its accuracy reaches the minimum. Writes report.json; exits 1 on failure."""

import argparse
import json
import sys
from pathlib import Path

import mlflow.pyfunc
import pandas as pd


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--model-name", required=True)
    parser.add_argument("--min-accuracy", type=float, required=True)
    parser.add_argument("--test-data")
    parser.add_argument("--report", required=True)
    args = parser.parse_args()

    report = {"model": args.model_name, "min_accuracy": args.min_accuracy, "checks": {}}
    model = mlflow.pyfunc.load_model(args.model)
    report["checks"]["loads"] = True

    example = model.metadata.load_input_example(args.model)
    if example is not None:
        model.predict(example)
        report["checks"]["predicts_on_input_example"] = True

    passed = True
    if args.test_data:
        data = pd.read_csv(args.test_data)
        predictions = model.predict(data.drop(columns=["label"]))
        accuracy = float((pd.Series(predictions).values == data["label"].values).mean())
        report["accuracy"] = accuracy
        passed = accuracy >= args.min_accuracy
        report["checks"]["accuracy"] = passed

    out = Path(args.report)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
