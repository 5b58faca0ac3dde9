#!/usr/bin/python3
"""Reference timings for scripts/benchmarks/benchmark-preprocessing.sh (benchmark only: never a test or runtime dependency).

  pillow_preprocess.py pillow FRAMING REPEATS FILE...   Pillow's preprocessing per image: "<median ms> <file>" lines
  pillow_preprocess.py server URL REPEATS FILE...       the server's timing_ms.preprocess per image, same form
  pillow_preprocess.py photo SOURCE OUT                 a 4032x3024 ~2 MB phone-like JPEG made from SOURCE

Pillow's side mirrors the library's preprocessing (dev.imageclassifier.vision.Preprocessor): EXIF orientation applied,
JPEG DCT scaling by Image.draft('RGB', (crop, crop)) as the fast path does, Pillow's antialiased BILINEAR resize of
the framed box (FRAMING 'whole': the whole image to 224x224; 'center-crop': shorter side to 256 then the centre
224x224, as one box, torchvision's rounding), then /255, minus the ImageNet mean, over the std, as a CHW float32 array.
"""
import io
import json
import sys
import time
import urllib.request
import uuid

import numpy as np
from PIL import Image, ImageOps

MEAN = np.array([0.485, 0.456, 0.406], np.float32).reshape(3, 1, 1)
STD = np.array([0.229, 0.224, 0.225], np.float32).reshape(3, 1, 1)
CROP, RESIZE = 224, 256


def box(w, h, framing):
    if framing == 'whole':
        return (0, 0, w, h)
    rw, rh = (RESIZE, int(RESIZE * h / w)) if w <= h else (int(RESIZE * w / h), RESIZE)
    left, top = round((rw - CROP) / 2), round((rh - CROP) / 2)
    sx, sy = w / rw, h / rh
    return (left * sx, top * sy, (left + CROP) * sx, (top + CROP) * sy)


def preprocess(data, framing):
    image = Image.open(io.BytesIO(data))
    image.draft('RGB', (CROP, CROP))
    image = ImageOps.exif_transpose(image).convert('RGB')
    image = image.resize((CROP, CROP), Image.BILINEAR, box=box(image.width, image.height, framing))
    chw = np.asarray(image, dtype=np.float32).transpose(2, 0, 1)
    return np.ascontiguousarray((chw * (1 / 255.0) - MEAN) / STD)


def median_ms(action, repeats):
    for _ in range(repeats):
        action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2] * 1000


def post(url, data):
    boundary = uuid.uuid4().hex
    body = (b'--' + boundary.encode() + b'\r\nContent-Disposition: form-data; name="file"; filename="image.jpg"\r\n'
            b'Content-Type: image/jpeg\r\n\r\n' + data + b'\r\n--' + boundary.encode() + b'--\r\n')
    request = urllib.request.Request(url + '/predict', body, {'Content-Type': 'multipart/form-data; boundary=' + boundary})
    with urllib.request.urlopen(request) as response:
        return json.load(response)['timing_ms']['preprocess']


def server_ms(url, data, repeats):
    for _ in range(repeats):
        post(url, data)
    return sorted(post(url, data) for _ in range(repeats))[repeats // 2]


def photo(source, out):
    """The Caltech image upscaled to 4032x3024 with Gaussian noise (sigma 4 levels), quality 92, 4:2:0: about 2 MB."""
    large = np.asarray(Image.open(source).convert('RGB').resize((4032, 3024), Image.BILINEAR), dtype=np.float32)
    noisy = large + np.random.default_rng(42).normal(0, 4.0, large.shape)
    Image.fromarray(np.clip(np.rint(noisy), 0, 255).astype(np.uint8)).save(out, 'JPEG', quality=92, subsampling=2)


def main(mode, *args):
    if mode == 'photo':
        photo(*args)
        return
    target, repeats, files = args[0], int(args[1]), args[2:]
    for file in files:
        with open(file, 'rb') as f:
            data = f.read()
        if mode == 'pillow':
            ms = median_ms(lambda: preprocess(data, target), repeats)
        else:
            ms = server_ms(target, data, repeats)
        print(f'{ms:.3f} {file}', flush=True)


if __name__ == '__main__':
    main(*sys.argv[1:])
