package io.facestream.trainer.domain;

/**
 * Where a run's labelled images come from, as the request names it.
 *
 * @param type       {@value #FOLDER} (one folder per person), {@value #TFRECORD} (arcface-tf2 / JHFace TFRecords) or
 *                   {@value #ENROLLMENTS} (the labelled images on faces.enrollments)
 * @param path       the folder, or the TFRecord file or folder of .tfrecord files; null for enrollments
 * @param binaryImg  TFRecords hold the image bytes (true) or image paths (false); null for other types
 * @param imagesRoot where the image paths of path-based TFRecords start; null for the record file's folder
 */
public record DatasetSpec(String type, String path, Boolean binaryImg, String imagesRoot) {

    public static final String FOLDER = "folder";
    public static final String TFRECORD = "tfrecord";
    public static final String ENROLLMENTS = "enrollments";
}
