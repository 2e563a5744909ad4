"""Optuna's journal file store doing what the Sweeps bench does: P processes, each running N trials of a trivial
objective with the random sampler against one journal file. Prints one JSON object: rate and problems."""
import json
import multiprocessing
import sys
import time

import optuna
from optuna.storages import JournalFileStorage, JournalStorage

optuna.logging.set_verbosity(optuna.logging.ERROR)


def storage(path):
    return JournalStorage(JournalFileStorage(path))


def work(path, study_name, n, errors):
    try:
        study = optuna.load_study(study_name=study_name, storage=storage(path), sampler=optuna.samplers.RandomSampler())
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=n)
    except Exception as e:  # a storage error in a worker is what the bench counts
        errors.put(repr(e))


def main():
    processes, per_process, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    name = "bench"
    optuna.create_study(study_name=name, storage=storage(path), sampler=optuna.samplers.RandomSampler())
    errors = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=work, args=(path, name, per_process, errors)) for _ in range(processes)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    trials = optuna.load_study(study_name=name, storage=storage(path)).trials
    done = [t for t in trials if t.state == optuna.trial.TrialState.COMPLETE]
    start = min(t.datetime_start for t in trials)
    end = max(t.datetime_complete for t in done)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    print(json.dumps({
        "processes": processes, "trials": len(trials), "complete": len(done),
        "orphaned": len([t for t in trials if t.state == optuna.trial.TrialState.RUNNING]),
        "errors": len(problems) + sum(1 for w in workers if w.exitcode != 0),
        "runs_per_second": round(len(done) / (end - start).total_seconds(), 1),
        "optuna": optuna.__version__,
    }))


if __name__ == "__main__":
    main()
