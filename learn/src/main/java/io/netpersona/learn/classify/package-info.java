/**
 * The traffic class of a flow.
 *
 * <pre>
 * Flow --Features.of--> float[166] --Forest--> probability per class --ForestClassifier--> Verdict
 * </pre>
 * {@link io.netpersona.learn.classify.FlowClassifier#standard()} is the shipped forest, read once from
 * {@code traffic-class.forest} on the class path. {@link io.netpersona.learn.classify.Trainer} builds that file
 * from labelled captures ({@link io.netpersona.learn.classify.TrainingSet}), the same bytes for the same
 * input; {@link io.netpersona.learn.classify.CrossValidation} measures the training with every capture judged
 * by a forest that never saw it.
 *
 * <p>A model names the features it was trained on, and a classifier refuses one whose names are not
 * {@code Features.NAMES}: changing a feature means running {@code scripts/train-classifier}. Features come
 * from behaviour, ports, server names and the shapes of the first payload bytes; never from addresses or
 * the capture's name.
 */
package io.netpersona.learn.classify;
