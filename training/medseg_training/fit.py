"""The fit loop: batches → fast training steps → validation each epoch → checkpoints → events.

Reusable beyond ``train.py`` (click-guided models train with it): give it a model, a
:class:`~.train_config.RunConfig`, the run's data and a device. Each epoch draws the samples in a
random order (weighted samples, the app's human corrections, proportionally more often), augments
each batch (``augment.py``), runs :func:`~.precision.training_step` in the fast precision, then
validates in fp32 and writes ``last.pt`` (and ``best.pt`` on a new best), so an interrupted run
loses at most one epoch and ``--resume`` continues it, schedule and plateau counter included.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
from torch import nn

from .augment import AugmentConfig, make_batch
from .checkpoints import keep_checkpoint_as, save_checkpoint
from .data import Preprocessing
from .events import UserFacingError, trainer_event
from .losses import make_loss
from .precision import StepPrecision, training_step
from .predict import validate
from .schedule import Schedule
from .train_config import RunConfig
from .train_data import RunData
from .weight_average import WeightAverage


def augment_config(config: Dict) -> AugmentConfig:
    """The run's augmentation: its preset, with flips and elastic deformation as configured. Colour
    only for RGB images; JPEG artefacts only for images that were 8-bit (not windowed HU)."""
    preset = config.get("augmentPreset") or ("light" if config.get("augment", True) else "none")
    rgb = int(config.get("imageChannels") or 1) == 3
    cfg = AugmentConfig.preset(preset, rgb=rgb, flip=bool(config.get("flip", True)),
                               jpeg=config["preprocessing"].get("window") is None)
    return replace(cfg, elastic=float(config.get("elastic") or 0.0)) if preset != "none" else cfg


class Fitter:
    def __init__(self, model: nn.Module, run: RunConfig, data: RunData, precision: StepPrecision, out_dir: Path,
                 should_stop: Callable[[], bool] = lambda: False, log_every: int = 10):
        self.model, self.run, self.data, self.precision = model, run, data, precision
        self.config = run.config
        self.out_dir = Path(out_dir)
        self.should_stop, self.log_every = should_stop, log_every
        self.pre = Preprocessing.from_manifest(self.config["preprocessing"])
        self.size_multiple = int(getattr(model, "size_multiple", 16))
        precision.prepare_model(model)
        decay = float(self.config.get("weightAverage") or 0.0)
        self.average = WeightAverage(model, decay) if decay else None
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=self.config["lr"],
                                           weight_decay=self.config["weightDecay"])
        try:
            self.loss_fn = make_loss(self.config["loss"], **self.config.get("lossKwargs", {}))
        except (ValueError, TypeError) as exc:
            raise UserFacingError(f"--loss {self.config['loss']}: {exc}") from exc
        self.augment = augment_config(self.config)
        self.rng = np.random.default_rng(self.config.get("seed", 0))
        self.schedule = Schedule(int(self.config.get("patience") or 0))
        self.epoch = self.step = self.best_epoch = 0
        self.best_dice = -1.0
        self.history: List[Dict] = []
        self.val_dice: Optional[float] = None
        self.val_metrics = self.best_metrics = self.parent_metrics = None
        self.elapsed_before = 0.0

    # ------------------------------------------------------------------ state

    def restore(self, ckpt: Dict) -> None:
        """Continues from a ``last.pt``."""
        # With a weight average, ``state_dict`` is the average (what validates and exports) and
        # ``training_state_dict`` the weights the optimiser steps.
        self.model.load_state_dict(ckpt.get("training_state_dict") or ckpt["state_dict"])
        if self.average is not None:
            self.average = WeightAverage(self.model, self.average.decay, ckpt["state_dict"], ckpt.get("averageUpdates", 0))
        self.optimizer.load_state_dict(ckpt["optimizer"])
        self.epoch, self.step = ckpt["epoch"], ckpt["step"]
        self.best_dice, self.best_epoch = ckpt.get("bestValDice", -1.0), ckpt.get("bestEpoch", 0)
        self.history = ckpt.get("history", [])
        self.elapsed_before = ckpt.get("seconds", 0.0)
        self.val_dice = self.history[-1].get("valDice") if self.history else None
        self.val_metrics, self.best_metrics = ckpt.get("valMetrics"), ckpt.get("bestValMetrics")
        self.parent_metrics = ckpt.get("parentValMetrics")
        self.schedule = Schedule(int(self.config.get("patience") or 0), ckpt.get("schedule"))
        if ckpt.get("rng") is not None:
            self.rng.bit_generator.state = ckpt["rng"]

    def payload(self, epoch_done: int) -> Dict:
        averaged = {} if self.average is None else {
            "training_state_dict": self.model.state_dict(), "averageUpdates": self.average.updates}
        return {"architecture": self.run.architecture, "model_kwargs": self.run.model_kwargs,
                "state_dict": self.average.shadow if self.average is not None else self.model.state_dict(),
                **averaged, "optimizer": self.optimizer.state_dict(),
                "train_config": self.config, "epoch": epoch_done, "step": self.step, "valDice": self.val_dice,
                "bestValDice": self.best_dice, "bestEpoch": self.best_epoch, "history": self.history,
                "valMetrics": self.val_metrics, "bestValMetrics": self.best_metrics,
                "parentValMetrics": self.parent_metrics, "seconds": time.time() - self.t0,
                "sizeMultiple": self.size_multiple, "torch": torch.__version__, "precision": self.precision.describe(),
                "schedule": self.schedule.state(), "rng": self.rng.bit_generator.state}

    # ------------------------------------------------------------------ pieces

    def train_mode(self) -> None:
        self.model.train()
        if self.config.get("freezeBatchnorm"):
            for m in self.model.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()

    def validate(self) -> Dict[str, float]:
        if self.average is None:
            metrics = self._validate()
        else:
            with self.average.applied(self.model):
                metrics = self._validate()
        self.train_mode()
        return metrics

    def _validate(self) -> Dict[str, float]:
        return validate(self.model, self.data.val, self.pre, self.precision.device, self.size_multiple,
                        prepare=self.precision.prepare_input)

    def baseline(self, parent: Optional[str]) -> None:
        """Fine-tuning: the parent's metrics on the held-out samples, the bar a new version must clear."""
        if len(self.data.val):
            self.parent_metrics = self.validate()
            trainer_event("baseline", valDice=self.parent_metrics["dice"], valMetrics=self.parent_metrics, parent=parent)

    def _order(self) -> np.ndarray:
        n = len(self.data.train)
        weights = np.asarray(self.data.train.weights, dtype=np.float64)
        if len(weights) == n and np.ptp(weights) > 0:
            return self.rng.choice(n, n, p=weights / weights.sum())
        return self.rng.permutation(n)

    def _batch(self, idx: np.ndarray):
        train = self.data.train
        # augmented where the model trains (on a GPU, not on its host's CPU)
        x, y = make_batch([train.images[i] for i in idx], [train.masks[i] for i in idx], self.augment, self.rng,
                          self.precision.device)
        return self.precision.prepare_input(self.pre.normalise(x)), y

    # ------------------------------------------------------------------ the loop

    def fit(self) -> Dict:
        c = self.config
        epochs, batch = int(c["epochs"]), int(c["batchSize"])
        steps_per_epoch = max(1, math.ceil(len(self.data.train) / batch))
        total_steps = epochs * steps_per_epoch
        max_seconds = float(c.get("maxMinutes") or 0) * 60.0
        val_every = int(c.get("valEvery") or 1)
        self.t0 = time.time() - self.elapsed_before
        run_start, first_step, val_seconds, n_vals = time.time(), self.step, 0.0, 0

        def eta(epoch: int) -> float:
            per_step = (time.time() - run_start - val_seconds) / max(1, self.step - first_step)
            per_val = val_seconds / n_vals if n_vals else 0.0
            remaining = (total_steps - self.step) * per_step + per_val * max(0.0, (epochs - epoch) / val_every)
            return min(remaining, max(0.0, max_seconds - (time.time() - self.t0))) if max_seconds else remaining

        stop_reason = "epochs"
        self.train_mode()
        for epoch in range(self.epoch, epochs):
            order = self._order()
            running, running_n, epoch_loss, epoch_n = 0.0, 0, 0.0, 0
            for b in range(steps_per_epoch):
                if self.should_stop():
                    stop_reason = "cancelled"
                    break
                if max_seconds and time.time() - self.t0 >= max_seconds:
                    stop_reason = "time-limit"
                    break
                idx = order[b * batch:(b + 1) * batch]
                if len(idx) < 2 and len(order) >= 2:  # BatchNorm needs more than one sample
                    idx = np.concatenate([idx, order[:2 - len(idx)]])
                x, y = self._batch(idx)
                progress = self.step / total_steps
                if max_seconds:
                    progress = max(progress, (time.time() - self.t0) / max_seconds)
                for group in self.optimizer.param_groups:
                    group["lr"] = c["lr"] * self.schedule.factor(progress)
                loss = float(training_step(self.model, self.optimizer, self.loss_fn, x, y, self.precision))
                if self.average is not None:
                    self.average.update(self.model)
                if not math.isfinite(loss):
                    raise UserFacingError(f"the loss became {loss} at step {self.step}: lower --lr or check the data")
                self.step += 1
                running, running_n, epoch_loss, epoch_n = running + loss, running_n + 1, epoch_loss + loss, epoch_n + 1
                if self.step % self.log_every == 0:
                    trainer_event("progress", epoch=epoch + 1, step=self.step, loss=running / running_n, valDice=self.val_dice,
                         etaSeconds=eta(epoch), epochs=epochs, totalSteps=total_steps,
                         lr=self.optimizer.param_groups[0]["lr"])
                    running, running_n = 0.0, 0
            if stop_reason == "cancelled":
                if epoch_n:  # keep the weights; a resume restarts this epoch
                    save_checkpoint(self.out_dir / "last.pt", self.payload(epoch))
                break
            if epoch_n == 0:
                break
            epoch_done = epoch + 1
            partial = stop_reason != "epochs"
            validated = len(self.data.val) and (epoch_done % val_every == 0 or epoch_done == epochs or partial)
            if validated:
                tv = time.time()
                self.val_metrics = self.validate()
                self.val_dice = self.val_metrics["dice"]
                val_seconds += time.time() - tv
                n_vals += 1
            self.history.append({"epoch": epoch_done, "loss": epoch_loss / epoch_n, "valDice": self.val_dice,
                                 "seconds": round(time.time() - self.t0, 1)})
            improved = self.val_dice is not None and self.val_dice > self.best_dice
            if not len(self.data.val):
                improved = True  # no validation data: the latest model is the best we know
            if improved:
                self.best_dice, self.best_epoch = (self.val_dice if self.val_dice is not None else -1.0), epoch_done
                self.best_metrics = self.val_metrics
            plateau = bool(validated) and self.schedule.observe(self.val_dice)
            save_checkpoint(self.out_dir / "last.pt", self.payload(epoch_done))
            if improved:
                keep_checkpoint_as(self.out_dir / "last.pt", self.out_dir / "best.pt")
                trainer_event("checkpoint", path=str(self.out_dir / "best.pt"), valDice=self.val_dice, epoch=epoch_done)
            trainer_event("progress", epoch=epoch_done, step=self.step, loss=epoch_loss / epoch_n, valDice=self.val_dice,
                 etaSeconds=eta(epoch_done), epochs=epochs, totalSteps=total_steps,
                 lr=self.optimizer.param_groups[0]["lr"], epochEnd=True,
                 bestValDice=self.best_dice if self.best_dice >= 0 else None)
            if plateau:
                stop_reason = "plateau"
                break
            if partial:
                break
        return {"bestValDice": self.best_dice if self.best_dice >= 0 else None, "bestValMetrics": self.best_metrics,
                "parentValMetrics": self.parent_metrics, "bestEpoch": self.best_epoch,
                "epochs": self.history[-1]["epoch"] if self.history else self.epoch, "steps": self.step,
                "seconds": round(time.time() - self.t0, 1), "checkpoint": str(self.out_dir / "best.pt"),
                "lastCheckpoint": str(self.out_dir / "last.pt"), "stopReason": stop_reason}
